-- Verify platform:functions/core/auth_check_request on pg

begin;

select auth.check_request();  -- anonymous: passes
select 1 / pg_catalog.has_function_privilege('authenticated', 'auth.check_request()', 'execute')::int;
-- invoker: a definer function may not switch role
select 1 / (not prosecdef)::int from pg_catalog.pg_proc where oid = 'auth.check_request()'::regprocedure;

rollback;
