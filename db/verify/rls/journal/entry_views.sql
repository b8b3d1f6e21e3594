-- Verify platform:rls/journal/entry_views on pg

begin;

select 1 / (count(*) = 1)::int from pg_catalog.pg_policies
 where schemaname = 'journal' and tablename = 'entry_views' and roles = '{authenticated}';
select 1 / (not pg_catalog.has_table_privilege('anon', 'journal.entry_views', 'select'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'journal.entry_views', 'insert'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'journal.entry_views', 'update'))::int;

rollback;
