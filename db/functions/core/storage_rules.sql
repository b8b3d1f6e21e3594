-- Deploy platform:functions/core/storage_rules to pg
-- requires: rls/core/storage
-- requires: functions/core/platform_errors
--
-- Buckets are declared by modules, from their own changes:
--   select platform.declare_bucket('avatars', 'publishing', public => true,
--     allowed_types => '{image/png,image/jpeg,image/webp,image/gif}', max_bytes => 2097152,
--     variants => '{"thumb": {"width": 128, "height": 128, "fit": "cover", "format": "webp"}}');
--   -- revert: select platform.forget_bucket('avatars');
-- declare_bucket is an upsert (a rework may call it again), but never turns a bucket
-- with objects from public to private or back (their files would sit in the wrong tree).
--
-- The rules, each in one place and run AS THE CALLER (the gateway sets role and
-- claims as PostgREST does):
--   storage_private.may_write(bucket, path)  the bucket's authorize_write function, or by
--       default: a signed-in user, under their own folder (<user id>/...).
--   storage_private.may_read_by_rule(bucket, path)  the bucket's authorize_read function
--       (false without one); the owner and public objects are the select policy's.
-- A rule function takes (bucket text, path text) and returns boolean; it runs with the
-- caller's role and claims, so row-level security answers inside it (e.g. "members of
-- team 7 write under team-7/": auth.has_scoped_role('team', 7)).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function platform.declare_bucket(
  name text, module text, public boolean, allowed_types text[], max_bytes bigint,
  variants jsonb default '{}', authorize_write regprocedure default null,
  authorize_read regprocedure default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  current_public boolean;
begin
  select b.public into current_public from storage.buckets b where b.id = declare_bucket.name;
  if current_public is distinct from declare_bucket.public and current_public is not null
     and exists (select from storage.objects o where o.bucket_id = declare_bucket.name) then
    raise exception 'bucket % holds objects: it cannot become %', declare_bucket.name,
      case when declare_bucket.public then 'public' else 'private' end
      using hint = 'declare a new bucket and move the objects, or delete them first';
  end if;
  insert into storage.buckets as b (id, module, public, allowed_types, max_bytes, variants,
                                    authorize_write, authorize_read)
  values (declare_bucket.name, declare_bucket.module, declare_bucket.public,
          declare_bucket.allowed_types, declare_bucket.max_bytes, declare_bucket.variants,
          declare_bucket.authorize_write::text, declare_bucket.authorize_read::text)
  on conflict on constraint buckets_pkey do update
    set module = excluded.module, public = excluded.public, allowed_types = excluded.allowed_types,
        max_bytes = excluded.max_bytes, variants = excluded.variants,
        authorize_write = excluded.authorize_write, authorize_read = excluded.authorize_read,
        updated_at = pg_catalog.now();
end
$$;
comment on function platform.declare_bucket(text, text, boolean, text[], bigint, jsonb, regprocedure, regprocedure) is
  'Declare (or redeclare) an upload bucket and its rules, from the module''s own change; revert: platform.forget_bucket.';

create function platform.forget_bucket(name text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if exists (select from storage.objects o where o.bucket_id = forget_bucket.name) then
    raise exception 'bucket % still holds objects', forget_bucket.name
      using hint = 'delete its objects first (their files go with them), then revert';
  end if;
  delete from storage.buckets b where b.id = forget_bucket.name;
end
$$;
revoke execute on function
  platform.declare_bucket(text, text, boolean, text[], bigint, jsonb, regprocedure, regprocedure),
  platform.forget_bucket(text) from public;

-- Run a rule (bucket, path) -> boolean by its stored signature; a rule that is gone denies.
create function storage_private.run_rule(rule text, bucket text, path text) returns boolean
language plpgsql stable
set search_path = ''
as $$
declare
  allowed boolean;
begin
  if pg_catalog.to_regprocedure(rule) is null then
    return false;
  end if;
  execute pg_catalog.format('select %s($1, $2)', pg_catalog.to_regprocedure(rule)::regproc)
    into allowed using bucket, path;
  return coalesce(allowed, false);
end
$$;

create function storage_private.may_write(bucket text, path text) returns boolean
language plpgsql stable
set search_path = ''
as $$
declare
  rule text;
begin
  select b.authorize_write into rule from storage.buckets b where b.id = may_write.bucket;
  if rule is null then
    -- the default: a signed-in user, under their own folder
    return (select auth.uid()) is not null
       and pg_catalog.split_part(path, '/', 1) = (select auth.uid())::text
       and pg_catalog.strpos(path, '/') > 0;
  end if;
  return storage_private.run_rule(rule, bucket, path);
end
$$;
comment on function storage_private.may_write(text, text) is
  'Run as the caller: may they write this path of this bucket (its authorize_write rule, else their own folder)?';

create function storage_private.may_read_by_rule(bucket text, path text) returns boolean
language plpgsql stable
set search_path = ''
as $$
declare
  rule text;
begin
  select b.authorize_read into rule from storage.buckets b where b.id = may_read_by_rule.bucket;
  return rule is not null and storage_private.run_rule(rule, bucket, path);
end
$$;
comment on function storage_private.may_read_by_rule(text, text) is
  'Run as the caller: does the bucket''s authorize_read rule let them read this path (false without a rule)?';

-- The ready object a storage URL names, as storage answers it: the object's own url
-- (/storage/public/<bucket>/<path>, /storage/object/<bucket>/<path>) or one of its
-- variants' (<path>~<variant>-<sha8>.<ext>); no row otherwise. Runs as the caller, so
-- the objects' select policy decides what exists. The one parser of storage URLs for
-- the modules, which check the rest themselves (owner, bucket, type): publishing's
-- avatar and cover URLs, the journal's avatars and image blocks.
create function storage_private.ready_object_at(url text) returns setof storage.objects
language sql stable
rows 1
set search_path = ''
as $$
  -- (storage.objects has a column `url`: the parameter is qualified)
  select o.* from storage.objects o
   where o.bucket_id = pg_catalog.split_part(
           pg_catalog.regexp_replace(ready_object_at.url, '^/storage/(public|object)/', ''), '/', 1)
     and o.path = pg_catalog.split_part(
           pg_catalog.regexp_replace(ready_object_at.url, '^/storage/(public|object)/[^/]+/', ''), '~', 1)
     and o.status = 'ready'
     and (o.url = ready_object_at.url
          or exists (select from pg_catalog.jsonb_each(o.variants) v
                      where v.value ->> 'url' = ready_object_at.url))
$$;
comment on function storage_private.ready_object_at(text) is
  'Run as the caller: the ready object a storage URL (its own or a variant''s) names, or no row.';

grant execute on function storage_private.run_rule(text, text, text),
  storage_private.may_write(text, text), storage_private.may_read_by_rule(text, text),
  storage_private.ready_object_at(text)
  to anon, authenticated;
select platform.declare_api_function('storage', 'storage_private.run_rule(text, text, text)',
  array['anon', 'authenticated'],
  'Runs a bucket''s rule function as the caller, for may_write and may_read_by_rule (the gateway asks them).');
select platform.declare_api_function('storage', 'storage_private.may_write(text, text)',
  array['anon', 'authenticated'],
  'The write rule, run as the uploader by begin_upload (the gateway asks it; PostgREST never exposes the schema).');
select platform.declare_api_function('storage', 'storage_private.may_read_by_rule(text, text)',
  array['anon', 'authenticated'],
  'A private bucket''s read rule, run as the reader by authorize_read (the gateway asks it).');
select platform.declare_api_function('storage', 'storage_private.ready_object_at(text)',
  array['anon', 'authenticated'],
  'The object a storage URL names, as the caller sees it: modules'' URL checks run as the writer.');

commit;
