-- Scheduled maintenance jobs: the table, who may see and run them, and how a run goes.
begin;
select plan(39);

-- Structure.
select has_table('platform', 'jobs', 'the platform has a table of scheduled jobs');
select columns_are('platform', 'jobs', array['name', 'every', 'procedure', 'enabled', 'next_run_at',
  'last_started_at', 'last_finished_at', 'last_status', 'last_error', 'last_duration', 'run_count', 'failure_count'],
  'a job has a name, a period, a function, a switch, its next run and how its last run went');
select col_is_pk('platform', 'jobs', 'name', 'a job is known by its name');
select ok((select relrowsecurity from pg_class where oid = 'platform.jobs'::regclass),
  'the job table has row-level security enabled');
select policies_are('platform', 'jobs', array['platform jobs read every job'],
  'one policy guards the job table');
select policy_roles_are('platform', 'jobs', 'platform jobs read every job', array['platform_jobs'],
  'the policy applies to platform_jobs only');
select policy_cmd_is('platform', 'jobs', 'platform jobs read every job', 'select',
  'the policy is for reading only');
select is_definer('platform', 'run_due_jobs', array['integer'],
  'run_due_jobs is SECURITY DEFINER, so platform_jobs runs jobs without holding their privileges');
select function_privs_are('platform', 'run_due_jobs', array['integer'], 'platform_jobs', array['EXECUTE'],
  'platform_jobs may run due jobs');
select is_empty($$
  select r || ' -> ' || f
    from unnest(array['platform.run_due_jobs(integer)', 'platform.unschedule_job(text)',
                      'platform.schedule_job(text, interval, regprocedure, timestamptz)']) f
   cross join unnest(array['anon', 'authenticated', 'public']) r
   where has_function_privilege(r, f, 'execute')
$$, 'no API role (nor public) may schedule, unschedule or run jobs');
select ok(not has_function_privilege('platform_jobs', 'platform.schedule_job(text, interval, regprocedure, timestamptz)', 'execute')
          and not has_function_privilege('platform_jobs', 'platform.unschedule_job(text)', 'execute'),
  'platform_jobs runs jobs but cannot schedule or unschedule them');
select is_empty($$
  select r from unnest(array['anon', 'authenticated']) r
   where has_table_privilege(r, 'platform.jobs', 'select, insert, update, delete, truncate, references')
      or has_any_column_privilege(r, 'platform.jobs', 'select')
$$, 'API roles have no privilege at all on the job table');

-- Behaviour. now() is fixed for the whole transaction, so times are exact. The test owns
-- the schedule: jobs that modules scheduled at deploy time are set aside (rolled back).
delete from platform.jobs;
create table public.job_log (job text not null);
create function public.job_tick() returns void language sql as $$ insert into public.job_log values ('tick') $$;
create function public.job_overdue() returns void language sql as $$ insert into public.job_log values ('overdue') $$;
create function public.job_boom() returns integer language plpgsql as $$
begin
  insert into public.job_log values ('boom');
  return 1 / 0;
end
$$;
create function public.job_gone() returns void language sql as $$ select $$;
create function public.job_with_argument(n integer) returns void language sql as $$ select $$;
create temporary table ran (round int, n bigint, name text, status text, duration_ms numeric, error text);
grant all on ran to public;

select platform.schedule_job('tests.tick', '10 minutes', 'public.job_tick()', now() - interval '1 minute');
select platform.schedule_job('tests.overdue', '1 minute', 'public.job_overdue()', now() - interval '1 day');
select platform.schedule_job('tests.boom', '5 minutes', 'public.job_boom()', now() - interval '2 minutes');
select platform.schedule_job('tests.later', '1 minute', 'public.job_tick()', now() + interval '1 hour');
select platform.schedule_job('tests.paused', '1 minute', 'public.job_tick()', now() - interval '1 hour');
select platform.schedule_job('tests.gone', '1 minute', 'public.job_gone()', now() + interval '1 hour');
update platform.jobs set enabled = false where name = 'tests.paused';

select is((select procedure from platform.jobs where name = 'tests.tick'), 'public.job_tick()',
  'a job stores its function''s fully qualified signature');

set local role platform_jobs;
insert into ran select 1, r.n, r.name, r.status, r.duration_ms, r.error
  from platform.run_due_jobs() with ordinality r (name, status, duration_ms, error, n);
select results_eq($$ select name, status from ran order by n $$,
  $$ values ('tests.overdue', 'ok'), ('tests.boom', 'failed'), ('tests.tick', 'ok') $$,
  'platform_jobs runs the due, enabled jobs in the order they fell due, and a failure does not stop the next');
select is((select count(*)::int from platform.jobs where name in ('tests.later', 'tests.paused') and run_count = 0
            and last_status is null), 2, 'platform_jobs sees that a job not yet due and a disabled job did not run');
select tests.act_as_owner();

select results_eq($$ select job from public.job_log order by job $$, array['overdue', 'tick'],
  'each job''s work is kept, except the failing job''s, which is rolled back');
select is((select row(last_status, run_count, failure_count)::text from platform.jobs where name = 'tests.boom'),
  row('failed', 1, 1)::text, 'a failing job is recorded as a failed run');
select matches((select last_error from platform.jobs where name = 'tests.boom'), '^division by zero \(SQLSTATE 22012\)$',
  'a failing job''s error is recorded with its SQLSTATE');
select is((select error from ran where name = 'tests.boom'), (select last_error from platform.jobs where name = 'tests.boom'),
  'run_due_jobs also returns the error');
select ok((select last_status = 'ok' and last_error is null and run_count = 1 and failure_count = 0
                  and last_started_at <= last_finished_at and last_duration = last_finished_at - last_started_at
             from platform.jobs where name = 'tests.tick'),
  'a successful run records status, start, finish and duration');
select ok((select bool_and(duration_ms >= 0) from ran where round = 1), 'run_due_jobs returns each run''s duration in milliseconds');
select is((select next_run_at from platform.jobs where name = 'tests.tick'), now() + interval '9 minutes',
  'next_run_at advances by the period from the time the job was due');
select is((select next_run_at from platform.jobs where name = 'tests.boom'), now() + interval '3 minutes',
  'a failed job waits its period before trying again');
select is((select next_run_at from platform.jobs where name = 'tests.overdue'), now(),
  'a job overdue by many periods is due once more now, not once per missed period');

insert into ran (round, name) select 2, r.name from platform.run_due_jobs() r;
insert into ran (round, name) select 3, r.name from platform.run_due_jobs() r;
select results_eq($$ select round, name from ran where round > 1 order by round $$, $$ values (2, 'tests.overdue') $$,
  'after downtime an overdue job runs one catch-up run, then keeps its period');

select platform.schedule_job('tests.paused', '2 minutes', 'public.job_overdue()', now() - interval '1 minute');
select ok((select not enabled and every = '2 minutes' and procedure = 'public.job_overdue()' from platform.jobs
            where name = 'tests.paused'),
  'rescheduling a job changes its period and function but keeps it disabled');

select platform.schedule_job('tests.later', '1 minute', 'public.job_tick()', now() - interval '1 minute');
select platform.schedule_job('tests.tick', '1 minute', 'public.job_tick()', now() - interval '1 minute');
select is((select count(*)::int from platform.run_due_jobs(1)), 1, 'max_jobs bounds how many jobs one call runs');

drop function public.job_gone();
update platform.jobs set next_run_at = now() where name = 'tests.gone';
select is((select status || ': ' || error from platform.run_due_jobs() where name = 'tests.gone'),
  'failed: function "public.job_gone()" does not exist (SQLSTATE 42883)',
  'a job whose function was dropped fails with a readable error instead of breaking the run');

select ok(platform.unschedule_job('tests.later') and not platform.unschedule_job('tests.later'),
  'unschedule_job removes a job and says whether there was one');

-- Failures.
select tests.act_as_anon();
select throws_ok($$ select * from platform.jobs $$, '42501', null, 'anon cannot read the job table');
select throws_ok($$ select * from platform.run_due_jobs() $$, '42501', null, 'anon cannot run jobs');
select tests.act_as_owner();
select tests.act_as(tests.create_user('jobless', '{admin}'));
select throws_ok($$ select * from platform.jobs $$, '42501', null, 'a signed-in user, even an admin, cannot read the job table');
select throws_ok($$ select * from platform.run_due_jobs() $$, '42501', null, 'a signed-in user cannot run jobs');
select tests.act_as_owner();
set local role platform_jobs;
select throws_ok($$ select platform.schedule_job('tests.sneaky', '1 second', 'public.job_tick()') $$, '42501', null,
  'platform_jobs cannot schedule a job');
select throws_ok($$ update platform.jobs set procedure = 'public.job_boom()' $$, '42501', null,
  'platform_jobs cannot change a job directly');
select tests.act_as_owner();
select throws_ok($$ select platform.schedule_job('tests.never', '0 seconds', 'public.job_tick()') $$, '23514', null,
  'a period must be positive');
select throws_ok($$ select platform.schedule_job('Bad Name', '1 minute', 'public.job_tick()') $$, '23514', null,
  'a job name reads module.job');
select throws_ok($$ select platform.schedule_job('tests.args', '1 minute', 'public.job_with_argument(integer)') $$,
  '22023', null, 'a job''s function takes no argument');
select throws_ok($$ select * from platform.run_due_jobs(0) $$, '22023', null, 'max_jobs must be at least 1');

select * from finish();
rollback;
