-- Revert platform:schema/publishing/jobs from pg

begin;

select platform.unschedule_job('publishing.refresh_analytics');
select platform.unschedule_job('publishing.view_partitions');
select platform.unschedule_job('publishing.publish_due');
drop function publishing_private.publish_due_job();
drop function publishing_private.ensure_view_partitions_job();

commit;
