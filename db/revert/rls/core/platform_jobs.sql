-- Revert platform:rls/core/platform_jobs from pg

begin;

revoke select on platform.jobs from platform_jobs;
drop policy "platform jobs read every job" on platform.jobs;

commit;
