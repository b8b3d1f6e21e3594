-- Verify platform:functions/core/api_session on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'api.me()', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'api.me()', 'execute'))::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'api.logout(boolean)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('authenticated',
  'api.change_password(text, text)', 'execute')::int;
select 1 / pg_catalog.count(*)::int from pg_catalog.pg_proc
 where oid = 'api.logout(boolean)'::regprocedure and prosrc like '%auth.expire_session_cookies%';

rollback;
