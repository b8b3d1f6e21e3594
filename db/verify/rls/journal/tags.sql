-- Verify platform:rls/journal/tags on pg

begin;

select 1 / (count(*) = 4)::int from pg_catalog.pg_policies
 where schemaname = 'journal' and tablename = 'tags' and roles = '{authenticated}';
select 1 / (count(*) = 3)::int from pg_catalog.pg_policies
 where schemaname = 'journal' and tablename = 'entry_tags' and roles = '{authenticated}';
select 1 / (not pg_catalog.has_table_privilege('anon', 'journal.tags', 'select'))::int;
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'journal.entry_tags', 'owner_id', 'insert'))::int;

rollback;
