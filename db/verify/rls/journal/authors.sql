-- Verify platform:rls/journal/authors on pg

begin;

select 1 / (select count(*)::int from pg_catalog.pg_policies where schemaname = 'journal' and tablename = 'authors') / 3;
select 1 / pg_catalog.has_table_privilege('anon', 'journal.authors', 'select')::int;
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'journal.authors', 'public_entries', 'update'))::int;

rollback;
