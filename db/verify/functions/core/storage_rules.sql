-- Verify platform:functions/core/storage_rules on pg

begin;

select 1 / (not pg_catalog.has_function_privilege('authenticated',
  'platform.declare_bucket(text, text, boolean, text[], bigint, jsonb, regprocedure, regprocedure)', 'execute'))::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'storage_private.may_write(text, text)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('anon', 'storage_private.may_read_by_rule(text, text)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'storage_private.ready_object_at(text)', 'execute')::int;

rollback;
