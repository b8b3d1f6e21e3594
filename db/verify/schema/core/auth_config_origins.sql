-- Verify platform:schema/core/auth_config_origins on pg

begin;

select allowed_origins from auth.config where false;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.set_allowed_origins(text[])', 'execute'))::int;

rollback;
