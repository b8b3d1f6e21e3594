-- Revert platform:schema/core/events_delivery from pg

begin;

select platform.forget_lint_exception('private_relation_api_access', 'events.topics');
drop table events.replay_audiences;
drop table events.topics;
drop table events.config;
drop index events.outbox_sequenced_at_idx;
drop policy "platform jobs read the sequence position" on events.sequencer;
revoke select on events.sequencer from platform_jobs;
alter table events.sequencer drop column pruned_through;
revoke usage on schema events from anon, authenticated;

commit;
