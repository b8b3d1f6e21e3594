-- Deploy platform:functions/core/platform_jobs to pg
-- requires: schema/core/platform_jobs
--
-- Scheduling and running the platform's maintenance jobs (schema/core/platform_jobs).
--   platform.schedule_job(name, every, procedure, first_run)  owner only:
--       modules call it in their own Sqitch change, e.g.
--       select platform.schedule_job('publishing.publish_due', '30 seconds',
--                                    'publishing.publish_due_articles()');
--       An upsert: rescheduling keeps enabled, the counters and the history.
--   platform.unschedule_job(name)  owner only; the module's revert calls it.
--   platform.run_due_jobs(max_jobs)  what the gateway's scheduler (role
--       platform_jobs) and `inv jobs.run` call. It locks due, enabled jobs
--       FOR UPDATE SKIP LOCKED (two gateways never run a job twice, and
--       neither waits for the other), runs each in its own subtransaction
--       (a failure rolls back that job's work only and is recorded with its
--       error), then sets next_run_at = greatest(next_run_at + every, now()).
--       Jobs run as the owner of this function (the role that deploys the
--       plan), with search_path '' like every definer here: job functions
--       use fully qualified names. The statement timeout is platform_jobs'
--       (60 s) for the whole call; a cancelled or timed-out job is recorded
--       as failed and ends the call, so the jobs already run still commit
--       and the rest wait for the next tick with a fresh timeout.

begin;

set local search_path = '';

create function platform.schedule_job(
  name text, every interval, procedure regprocedure, first_run timestamptz default pg_catalog.now()
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if procedure is null or not exists (
    select from pg_catalog.pg_proc p where p.oid = procedure and p.prokind = 'f' and p.pronargs = 0
  ) then
    raise exception 'platform.schedule_job(%): procedure must be a function taking no argument, not %',
      schedule_job.name, coalesce(procedure::text, 'null')
      using errcode = 'invalid_parameter_value', hint = 'e.g. ''publishing.publish_due_articles()''';
  end if;
  insert into platform.jobs as j (name, every, procedure, next_run_at)
  values (schedule_job.name, schedule_job.every, procedure::text, coalesce(first_run, pg_catalog.now()))
  on conflict on constraint jobs_pkey do update
     set every = excluded.every, procedure = excluded.procedure, next_run_at = excluded.next_run_at;
end
$$;
comment on function platform.schedule_job(text, interval, regprocedure, timestamptz) is
  'Schedule (or reschedule) a maintenance job: a function without arguments run every interval.';

create function platform.unschedule_job(name text) returns boolean
language plpgsql volatile
set search_path = ''
as $$
begin
  delete from platform.jobs j where j.name = unschedule_job.name;
  return found;
end
$$;
comment on function platform.unschedule_job(text) is 'Remove a scheduled job; false when there was none.';

-- SECURITY DEFINER: platform_jobs runs the jobs without holding their privileges.
create function platform.run_due_jobs(max_jobs integer default 10)
returns table (name text, status text, duration_ms numeric, error text)
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  job record;
  started timestamptz;
  finished timestamptz;
  outcome text;
  message text;
  state text;
  interrupted boolean := false;
begin
  if max_jobs is null or max_jobs < 1 then
    raise exception 'platform.run_due_jobs: max_jobs must be at least 1, not %', coalesce(max_jobs::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  for job in
    select j.name, j.procedure
      from platform.jobs j
     where j.enabled and j.next_run_at <= pg_catalog.now()
     order by j.next_run_at, j.name
     limit max_jobs
       for update skip locked
  loop
    started := pg_catalog.clock_timestamp();
    outcome := 'ok';
    message := null;
    begin
      execute pg_catalog.format('select %s', job.procedure::regprocedure);
    exception
      when query_canceled then
        get stacked diagnostics message = message_text, state = returned_sqlstate;
        outcome := 'failed';
        interrupted := true;
      when others then
        get stacked diagnostics message = message_text, state = returned_sqlstate;
        outcome := 'failed';
    end;
    finished := pg_catalog.clock_timestamp();
    if outcome = 'failed' then
      message := pg_catalog.format('%s (SQLSTATE %s)', message, state);
    end if;
    update platform.jobs j
       set last_started_at = started,
           last_finished_at = finished,
           last_status = outcome,
           last_error = message,
           last_duration = finished - started,
           run_count = j.run_count + 1,
           failure_count = j.failure_count + (outcome = 'failed')::integer,
           next_run_at = greatest(j.next_run_at + j.every, pg_catalog.now())
     where j.name = job.name;
    name := job.name;
    status := outcome;
    duration_ms := pg_catalog.round(extract(epoch from finished - started) * 1000, 3);
    error := message;
    return next;
    exit when interrupted;
  end loop;
end
$$;
comment on function platform.run_due_jobs(integer) is
  'Run up to max_jobs due jobs, each in its own subtransaction; record and return each outcome.';

revoke execute on function platform.schedule_job(text, interval, regprocedure, timestamptz) from public;
revoke execute on function platform.unschedule_job(text) from public;
revoke execute on function platform.run_due_jobs(integer) from public;
grant execute on function platform.run_due_jobs(integer) to platform_jobs;

commit;
