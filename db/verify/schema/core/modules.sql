-- Verify platform:schema/core/modules on pg

begin;

select name, description, ordinal, exposed_schemas, seed_entry, registered_at from platform.modules where false;
select signature, module, roles, reason from platform.api_functions where false;
select lint, object, module, reason from platform.lint_exceptions where false;
-- core registers itself, exposing api first
select 1 / ((platform.exposed_schemas())[1] = 'api')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'platform.register_module(text, text, text[], text)', 'execute'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'platform.modules', 'select'))::int;

rollback;
