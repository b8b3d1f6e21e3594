-- Revert platform:schema/platform_jobs from pg

begin;

drop table platform.jobs;

commit;
