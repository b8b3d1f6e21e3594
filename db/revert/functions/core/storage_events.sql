-- Revert platform:functions/core/storage_events from pg

begin;

delete from events.replay_audiences where source = 'storage.objects';
drop function storage_private.current_object_audiences(text[]);
select events.unregister_topic('storage:object:*');
select platform.forget_api_function('storage_private.may_follow_object(text)');
drop function storage_private.may_follow_object(text);
select audit.disable('storage.buckets');
select audit.disable('storage.objects');
select events.disable('storage.objects');
drop function storage_private.describe_object(text, jsonb, jsonb);
drop function storage_private.object_audience(jsonb);

commit;
