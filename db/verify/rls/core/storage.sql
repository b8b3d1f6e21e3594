-- Verify platform:rls/core/storage on pg

begin;

select 1 / pg_catalog.has_table_privilege('anon', 'storage.objects', 'select')::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'storage.objects', 'insert'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'storage.objects', 'update'))::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_policy
             where polrelid = 'storage.objects'::regclass)::int;

rollback;
