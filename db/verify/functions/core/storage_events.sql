-- Verify platform:functions/core/storage_events on pg

begin;

select 1 / (select pg_catalog.count(*) from events.topics where pattern = 'storage:object:*')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgrelid = 'storage.objects'::regclass and tgname = 'events_update')::int;
select 1 / (storage_private.describe_object('delete', null,
  '{"status": "ready", "public": true, "owner_id": "x"}') ->> 'type' = 'storage.object.deleted')::int;

rollback;
