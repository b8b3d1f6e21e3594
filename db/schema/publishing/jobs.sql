-- Deploy platform:schema/publishing/jobs to pg
-- requires: functions/core/platform_jobs
-- requires: functions/publishing/workflow
-- requires: schema/publishing/engagement
-- requires: schema/publishing/analytics
--
-- The publishing module's scheduled jobs, run by the gateway through
-- platform.run_due_jobs():
--   publishing.publish_due       every 15 s   publish articles whose time has come
--   publishing.view_partitions   every 1 day  create next months' view partitions
--   publishing.refresh_analytics every 5 min refresh the analytics views concurrently

begin;

set local search_path = '';

create function publishing_private.ensure_view_partitions_job() returns void
language sql volatile
set search_path = ''
as $$ select publishing_private.ensure_view_partitions(3) $$;

create function publishing_private.publish_due_job() returns void
language sql volatile
set search_path = ''
as $$ select publishing.publish_due_articles() $$;

revoke execute on function publishing_private.ensure_view_partitions_job() from public;
revoke execute on function publishing_private.publish_due_job() from public;

select platform.schedule_job('publishing.publish_due', '15 seconds', 'publishing_private.publish_due_job()');
select platform.schedule_job('publishing.view_partitions', '1 day', 'publishing_private.ensure_view_partitions_job()');
select platform.schedule_job('publishing.refresh_analytics', '5 minutes', 'publishing_private.refresh_analytics()');

commit;
