-- Revert platform:functions/core/platform_jobs from pg

begin;

drop function platform.run_due_jobs(integer);
drop function platform.unschedule_job(text);
drop function platform.schedule_job(text, interval, regprocedure, timestamptz);

commit;
