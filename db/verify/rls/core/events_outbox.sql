-- Verify platform:rls/core/events_outbox on pg

begin;

select 1 / pg_catalog.count(*) from pg_catalog.pg_policies
 where schemaname = 'events' and tablename = 'outbox' and roles = '{platform_jobs}' and cmd = 'SELECT';
select 1 / pg_catalog.has_table_privilege('platform_jobs', 'events.outbox', 'select')::int;

rollback;
