-- Verify platform:functions/core/platform_errors on pg

begin;

select 1 / (platform.error_body('x.y', 'm') ->> 'code' = 'x.y')::int;
select 1 / pg_catalog.has_function_privilege('anon',
  'platform.raise_error(integer, text, text, text, text, json)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public',
  'platform.error_response(integer, text, text, text, text, json)', 'execute'))::int;

rollback;
