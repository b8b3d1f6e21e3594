-- Revert platform:rls/core/events_outbox from pg

begin;

revoke select on events.outbox from platform_jobs;
drop policy "platform jobs read every event" on events.outbox;

commit;
