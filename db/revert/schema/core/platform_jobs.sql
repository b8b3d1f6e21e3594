-- Revert platform:schema/core/platform_jobs from pg

begin;

drop table platform.jobs;

commit;
