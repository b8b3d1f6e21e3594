-- Verify platform:functions/core/auth_throttle on pg

begin;

select 1 / (auth.throttled('nobody@example.invalid', '192.0.2.1') is null)::int;
select 1 / (auth.throttled(null, '192.0.2.1') is null)::int;
select 1 / (not pg_catalog.has_function_privilege('anon',
  'auth.note_failed_login(extensions.citext, inet)', 'execute'))::int;
select 1 / (pg_catalog.to_regprocedure('auth.throttled(extensions.citext)') is null)::int;

rollback;
