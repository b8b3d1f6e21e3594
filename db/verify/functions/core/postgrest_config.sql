-- Verify platform:functions/core/postgrest_config on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticator', 'platform.postgrest_pre_config()', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'platform.postgrest_pre_config()', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'platform.postgrest_pre_config()', 'execute'))::int;
-- the setting it leaves names the core's api schema first
select platform.postgrest_pre_config();
select 1 / (pg_catalog.split_part(pg_catalog.current_setting('pgrst.db_schemas'), ',', 1) = 'api')::int;

rollback;
