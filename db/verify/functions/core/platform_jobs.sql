-- Verify platform:functions/core/platform_jobs on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'platform.run_due_jobs(integer)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'platform.run_due_jobs(integer)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('platform_jobs',
  'platform.schedule_job(text, interval, regprocedure, timestamptz)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'platform.run_due_jobs(integer)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'platform.run_due_jobs(integer)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('platform_jobs', 'platform.unschedule_job(text)', 'execute'))::int;

rollback;
