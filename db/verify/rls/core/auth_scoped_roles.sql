-- Verify platform:rls/core/auth_scoped_roles on pg

begin;

select 1 / count(*) from pg_catalog.pg_policies
 where schemaname = 'auth' and tablename = 'scoped_roles' and cmd = 'SELECT' and roles = '{authenticated}';
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'auth.scoped_roles', 'insert'))::int;
select 1 / (not pg_catalog.has_table_privilege('anon', 'auth.scoped_roles', 'select'))::int;

rollback;
