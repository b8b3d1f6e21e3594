-- Deploy platform:schema/core/platform_jobs to pg
-- requires: schema/core/namespaces
--
-- The platform's scheduled maintenance jobs: what runs, how often, and how
-- it last went. Modules add a row with platform.schedule_job() in their own
-- Sqitch change; the gateway runs due jobs with platform.run_due_jobs()
-- (functions/core/platform_jobs). Not pg_cron: pg_cron lives in one database of a
-- cluster, and every test database here is a clone with its own jobs.
--
--   name       "module.job", e.g. 'publishing.publish_due'.
--   every      the period; next_run_at advances by it after each run (to
--              now() at the earliest: no catch-up storm after downtime).
--   procedure  the signature of a function taking no argument, as
--              regprocedure prints it fully qualified ('publishing.f()').
--              Stored as text, resolved at each run: a reg* column would
--              stop pg_upgrade (it refuses user tables with regprocedure
--              columns) and would dangle as a bare OID when a rework drops
--              and recreates the function. A missing function is a failed
--              run with its error, not a broken row.

begin;

set local search_path = '';

create table platform.jobs (
  name text primary key
    constraint jobs_name_format check (name ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  every interval not null constraint jobs_every_positive check (every > interval '0'),
  procedure text not null constraint jobs_procedure_no_arguments check (procedure ~ '^.+\(\)$'),
  enabled boolean not null default true,
  next_run_at timestamptz not null default pg_catalog.now(),
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_status text constraint jobs_last_status_known check (last_status in ('ok', 'failed')),
  last_error text,
  last_duration interval,
  run_count bigint not null default 0,
  failure_count bigint not null default 0
);
create index jobs_due_idx on platform.jobs (next_run_at) where enabled;
comment on table platform.jobs is
  'Scheduled maintenance jobs, run by the gateway through platform.run_due_jobs().';
comment on column platform.jobs.procedure is
  'Signature of the function to run (no arguments), fully qualified: resolved at each run.';
comment on column platform.jobs.next_run_at is 'When the job is next due; advanced by every after each run.';

alter table platform.jobs enable row level security;

commit;
