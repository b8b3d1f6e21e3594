-- Deploy platform:functions/core/storage_events to pg
-- requires: functions/core/storage_files
-- requires: functions/core/events_delivery
-- requires: schema/core/audit_log
--
-- Audit of buckets and objects, and the objects' change events:
--   topics   user:<owner_id> (the uploader's own; only they may follow it) and
--            storage:object:<id> (whoever may read that object right now).
--   types    storage.object.ready (an upload finished, or a PUT replaced it),
--            storage.object.variants_ready / storage.object.variants_failed (the
--            gateway's workers are done), storage.object.deleted. A pending row's
--            insert and other updates are not events.
--   audience by the select policy's rule: a ready object of a public bucket is
--            public; otherwise its owner.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function storage_private.object_audience(o jsonb) returns jsonb
language sql immutable parallel safe
set search_path = ''
as $$
  select case when (o ->> 'public')::boolean and o ->> 'status' = 'ready' then '{"public": true}'::jsonb
              else pg_catalog.jsonb_build_object('users', pg_catalog.jsonb_build_array(o ->> 'owner_id')) end
$$;

create function storage_private.describe_object(op text, new jsonb, old jsonb) returns jsonb
language sql stable
set search_path = ''
as $$
  select case when t.type is null then null
              else pg_catalog.jsonb_build_object('type', t.type,
                     'audience', storage_private.object_audience(coalesce(new, old))) end
    from (select case
      when op = 'delete' and old ->> 'status' = 'ready' then 'storage.object.deleted'
      when op = 'update' and new ->> 'status' = 'ready'
           and (old ->> 'status' <> 'ready' or new ->> 'sha256' is distinct from old ->> 'sha256')
        then 'storage.object.ready'
      when op = 'update' and new ->> 'variants_status' is distinct from old ->> 'variants_status'
           and new ->> 'variants_status' in ('ready', 'failed')
        then 'storage.object.variants_' || (new ->> 'variants_status')
    end as type) t
$$;
comment on function storage_private.describe_object(text, jsonb, jsonb) is
  'Change events of storage.objects: ready, variants_ready / variants_failed, deleted; audience by the select policy.';
revoke execute on function storage_private.object_audience(jsonb),
  storage_private.describe_object(text, jsonb, jsonb) from public;

select events.enable('storage.objects', array['user:{owner_id}', 'storage:object:{id}'],
  'storage_private.describe_object(text, jsonb, jsonb)');
select audit.enable('storage.objects');
select audit.enable('storage.buckets');

-- Authorizer of storage:object:<id>, run as the subscriber: may they read it now?
create function storage_private.may_follow_object(arg text) returns boolean
language sql stable
set search_path = ''
as $$
  select arg ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     and exists (select from storage.objects o
                  where o.id = (case when arg ~ '^[0-9a-f-]{36}$' then arg end)::uuid)
$$;
grant execute on function storage_private.may_follow_object(text) to anon, authenticated;
select platform.declare_api_function('storage', 'storage_private.may_follow_object(text)',
  array['anon', 'authenticated'],
  'The authorizer of storage:object:*, run as the subscriber: whoever may read the object (select policy).');
select events.register_topic('storage:object:*', 'storage_private.may_follow_object(text)',
  'One uploaded object: ready, variants ready or failed, deleted; whoever may read it.');

-- What a replay re-checks: who may see these objects now. SECURITY DEFINER: the
-- gateway's platform_jobs role cannot read storage.objects.
create function storage_private.current_object_audiences(ids text[])
returns table (id text, audience jsonb)
language sql stable
security definer
set search_path = ''
as $$
  select o.id::text, storage_private.object_audience(pg_catalog.to_jsonb(o))
    from storage.objects o
   where o.id::text = any (ids)
$$;
revoke execute on function storage_private.current_object_audiences(text[]) from public;
grant execute on function storage_private.current_object_audiences(text[]) to platform_jobs;
select events.register_replay_audience('storage.objects', 'storage_private.current_object_audiences(text[])');

commit;
