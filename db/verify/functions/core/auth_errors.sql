-- Verify platform:functions/core/auth_errors on pg

begin;

select 1 / (not pg_catalog.has_function_privilege('anon',
  'auth.raise_account_error(text, text, text, text)', 'execute'))::int;

rollback;
