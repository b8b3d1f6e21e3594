-- Verify platform:functions/publishing/audit on pg

begin;

select 1 / (pg_catalog.count(*) = 11)::int from pg_catalog.pg_trigger t
  join pg_catalog.pg_class c on c.oid = t.tgrelid
 where c.relnamespace = 'publishing'::regnamespace and t.tgname = 'audit_row';

rollback;
