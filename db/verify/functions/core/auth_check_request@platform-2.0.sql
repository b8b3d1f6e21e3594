-- Verify platform:functions/core/auth_check_request on pg

begin;

select auth.check_request();  -- anonymous: passes
select 1 / pg_catalog.has_function_privilege('authenticated', 'auth.check_request()', 'execute')::int;

rollback;
