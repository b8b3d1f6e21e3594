-- Deploy platform:rls/core/platform_jobs to pg
-- requires: schema/core/platform_jobs
--
-- Who reads the job table: only the platform's own jobs role (the gateway's
-- scheduler and its health report). It writes nothing directly: runs are
-- recorded by platform.run_due_jobs(). API roles have no privilege on it.

begin;

set local search_path = '';

create policy "platform jobs read every job" on platform.jobs
  for select to platform_jobs using (true);
grant select on platform.jobs to platform_jobs;

commit;
