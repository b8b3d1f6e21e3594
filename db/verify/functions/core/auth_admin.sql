-- Verify platform:functions/core/auth_admin on pg

begin;

select 1 / (not pg_catalog.has_function_privilege('authenticated',
  'auth.create_user(text, text, text, text[])', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon',
  'auth.grant_privilege(text, text)', 'execute'))::int;

rollback;
