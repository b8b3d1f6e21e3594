-- Verify platform:functions/core/auth_throttle on pg

begin;

select 1 / (auth.throttled('nobody@example.invalid') is null)::int;
select 1 / (not pg_catalog.has_function_privilege('anon',
  'auth.note_failed_login(extensions.citext)', 'execute'))::int;

rollback;
