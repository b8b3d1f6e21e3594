-- Verify platform:rls/core/platform_jobs on pg

begin;

select 1 / pg_catalog.count(*) from pg_catalog.pg_policies
 where schemaname = 'platform' and tablename = 'jobs' and roles = '{platform_jobs}' and cmd = 'SELECT';
select 1 / pg_catalog.has_table_privilege('platform_jobs', 'platform.jobs', 'select')::int;
select 1 / (not pg_catalog.has_table_privilege('platform_jobs', 'platform.jobs', 'update'))::int;

rollback;
