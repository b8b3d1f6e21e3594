-- Verify platform:schema/publishing/unfiltered_writes on pg

begin;

select 1 / (count(*) = 10)::int
  from pg_catalog.pg_trigger t
 where t.tgname = 'refuse_unfiltered_write'
   and t.tgfoid = 'platform.refuse_unfiltered_write()'::pg_catalog.regprocedure
   and t.tgrelid::pg_catalog.regclass::text like 'publishing.%';

rollback;
