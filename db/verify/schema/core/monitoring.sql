-- Verify platform:schema/core/monitoring on pg

begin;

select 1 / count(*) from pg_catalog.pg_roles where rolname = 'platform_monitor' and not rolcanlogin;
select 1 / pg_catalog.pg_has_role('platform_monitor', 'pg_monitor', 'usage')::int;
select 1 / pg_catalog.pg_has_role('platform_jobs', 'platform_monitor', 'member')::int;
select 1 / (not pg_catalog.pg_has_role('platform_jobs', 'pg_monitor', 'usage'))::int;
select 1 / pg_catalog.has_schema_privilege('platform_monitor', 'monitoring', 'usage')::int;
select 1 / count(*) from pg_catalog.pg_extension where extname = 'pg_stat_statements';
select 1 / (not pg_catalog.has_table_privilege('anon', 'extensions.pg_stat_statements', 'select'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'extensions.pg_stat_statements(boolean)', 'execute'))::int;

rollback;
