-- Verify platform:functions/core/auth_throttle_prune on pg

begin;

select 'auth.prune_login_failures()'::pg_catalog.regprocedure;
select 1 / pg_catalog.count(*) from platform.jobs where name = 'auth.prune_login_failures';
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.prune_login_failures()', 'execute'))::int;

rollback;
