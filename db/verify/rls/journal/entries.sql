-- Verify platform:rls/journal/entries on pg

begin;

select 1 / (count(*) = 5)::int from pg_catalog.pg_policies
 where schemaname = 'journal' and tablename = 'entries';
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'journal.entries', 'owner_id', 'insert'))::int;
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'journal.entries', 'word_count', 'update'))::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgrelid = 'journal.entries'::regclass and not tgisinternal
               and tgfoid = 'platform.refuse_unfiltered_write()'::regprocedure)::int;

rollback;
