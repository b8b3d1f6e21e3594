-- Verify platform:schema/core/platform_jobs on pg

begin;

select name, every, procedure, enabled, next_run_at, last_started_at, last_finished_at,
       last_status, last_error, last_duration, run_count, failure_count
  from platform.jobs where false;
select 1 / (select c.relrowsecurity from pg_catalog.pg_class c where c.oid = 'platform.jobs'::regclass)::int;
select 1 / (not pg_catalog.has_table_privilege('anon', 'platform.jobs', 'select'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'platform.jobs', 'select'))::int;

rollback;
