-- Verify platform:functions/core/auth_set_password on pg
-- Verify scripts raise: select ... where false, 1/count(*), has_*_privilege checks.

begin;

select auth.reset_required() where false;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.admin_set_password(text, text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.admin_set_password(text, text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.reset_required()', 'execute'))::int;

rollback;
