-- Deploy platform:functions/core/storage_files to pg
-- requires: functions/core/storage_uploads
-- requires: functions/core/platform_jobs
--
-- The files' side, for the gateway's file keeper (connected as platform_jobs) and for
-- backups. SQL never touches a file; it says which files exist and which must go,
-- and every change of a file happens inside a transaction holding that object's
-- lock (storage_private.lock_files), so a rename and a removal of the same path
-- never interleave:
--   queue_deleted_files()        statement trigger: a deleted ready object's file and
--                                variants go to storage_private.deleted_files, and
--                                NOTIFY storage_files wakes the gateway.
--   claim_deletions(max)         queued files to remove now, each entry's object path
--                                locked; a file a row holds again (the same path
--                                uploaded anew, or its current variants) is left.
--                                The gateway unlinks them, then finish_deletions(ids),
--                                then commits.
--   pending_variants(max)        ready images whose variants are still to make, with
--                                each variant's target file and box.
--   set_variants(id, sha256, results)  the made variants (or {"error": ...}); false
--                                when the object changed meanwhile (the gateway then
--                                removes what it wrote). Locks the object: the gateway
--                                renames the variant files in before it commits.
--   claim_orphans(files)         of files found on disk, those no row holds (the
--                                orphan sweep removes them under the locks taken here).
--   sweep_pending()              job storage.sweep_pending: uploads pending longer than
--                                storage_private.config.pending_timeout are dropped.
--   files()                      every file the ready objects hold, with bytes and
--                                SHA-256: what a backup copies and verifies.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- A variant's file: beside the original, named after the variant and the content
-- (<path>~<variant>-<first 8 hex of sha256>.<ext>), so a replaced object's old
-- variants never share a name with the new ones.
create function storage_private.variant_path(path text, variant text, sha256 text, format text, content_type text)
returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select path || '~' || variant || '-' || pg_catalog.left(sha256, 8) || '.'
         || case coalesce(format, 'webp')
              when 'webp' then 'webp' when 'jpeg' then 'jpg' when 'png' then 'png'
              else case content_type when 'image/png' then 'png' when 'image/jpeg' then 'jpg'
                                     when 'image/webp' then 'webp' when 'image/gif' then 'gif'
                                     else 'img' end end
$$;

-- Every file an object holds: its original and its variants (relative to the storage dir).
create function storage_private.files_of(o storage.objects) returns text[]
language sql immutable parallel safe
set search_path = ''
as $$
  select array[storage_private.file_of(o.public, o.bucket_id, o.path)]
         || coalesce(array(select storage_private.file_of(o.public, o.bucket_id, v.value ->> 'path')
                             from pg_catalog.jsonb_each(o.variants) v), '{}')
$$;

-- SECURITY DEFINER: whoever deletes a row (its owner through PostgREST or the gateway,
-- an account deletion's cascade, the sweep) queues its files; nobody else writes the queue.
create function storage_private.queue_deleted_files() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into storage_private.deleted_files (bucket_id, object_path, files)
  select o.bucket_id, o.path, storage_private.files_of(o)
    from old_rows o
   where o.status = 'ready';
  if found then
    perform pg_catalog.pg_notify('storage_files', '');
  end if;
  return null;
end
$$;
revoke execute on function storage_private.queue_deleted_files() from public;
create trigger queue_deleted_files after delete on storage.objects
  referencing old table as old_rows
  for each statement execute function storage_private.queue_deleted_files();

create function storage_private.claim_deletions(max_rows integer)
returns table (id bigint, files text[])
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  q storage_private.deleted_files;
  held text[];
begin
  for q in
    select d.* from storage_private.deleted_files d order by d.id limit max_rows for update skip locked
  loop
    perform storage_private.lock_files(q.bucket_id, q.object_path);
    select storage_private.files_of(o) into held
      from storage.objects o where o.bucket_id = q.bucket_id and o.path = q.object_path;
    id := q.id;
    files := array(select f from pg_catalog.unnest(q.files) f where f <> all (coalesce(held, '{}')));
    return next;
  end loop;
end
$$;
comment on function storage_private.claim_deletions(integer) is
  'Queued files to remove now (their object paths locked until commit), leaving those a row holds again.';

create function storage_private.finish_deletions(ids bigint[]) returns void
language sql volatile
security definer
set search_path = ''
as $$ delete from storage_private.deleted_files d where d.id = any (ids) $$;

create function storage_private.pending_variants(max_rows integer)
returns table (object_id uuid, sha256 text, content_type text, file text, targets jsonb)
language sql stable
security definer
set search_path = ''
as $$
  select o.id, o.sha256, o.content_type, storage_private.file_of(o.public, o.bucket_id, o.path),
         (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                   'name', v.key,
                   'file', storage_private.file_of(o.public, o.bucket_id,
                             storage_private.variant_path(o.path, v.key, o.sha256, v.value ->> 'format', o.content_type)),
                   'width', v.value -> 'width', 'height', v.value -> 'height',
                   'fit', coalesce(v.value ->> 'fit', 'contain'),
                   'format', coalesce(v.value ->> 'format', 'webp'),
                   'quality', coalesce((v.value ->> 'quality')::int, 80)) order by v.key)
            from pg_catalog.jsonb_each(b.variants) v)
    from storage.objects o join storage.buckets b on b.id = o.bucket_id
   where o.variants_status = 'pending' and o.status = 'ready'
   order by o.updated_at
   limit max_rows
$$;
comment on function storage_private.pending_variants(integer) is
  'Ready images whose variants are still to make, oldest first, with each variant''s target file and box.';

create function storage_private.set_variants(object_id uuid, sha256 text, results jsonb) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  o storage.objects;
  made jsonb;
begin
  select x.* into o from storage.objects x where x.id = set_variants.object_id for update;
  if o.id is null or o.status <> 'ready' or o.sha256 is distinct from set_variants.sha256
     or o.variants_status <> 'pending' then
    return false;  -- deleted or replaced meanwhile: what was made is not this object's
  end if;
  perform storage_private.lock_files(o.bucket_id, o.path);
  if results ? 'error' then
    update storage.objects x set variants_status = 'failed', updated_at = pg_catalog.now() where x.id = o.id;
    return true;
  end if;
  select pg_catalog.jsonb_object_agg(r.key, pg_catalog.jsonb_build_object(
           'path', p.path,
           'url', case when o.public then '/storage/public/' else '/storage/object/' end || o.bucket_id || '/' || p.path,
           'width', (r.value ->> 'width')::int, 'height', (r.value ->> 'height')::int,
           'bytes', (r.value ->> 'bytes')::bigint, 'type', r.value ->> 'type',
           'sha256', r.value ->> 'sha256'))
    into made
    from pg_catalog.jsonb_each(results) r
    join storage.buckets b on b.id = o.bucket_id
   cross join lateral (select storage_private.variant_path(o.path, r.key, o.sha256,
                                b.variants -> r.key ->> 'format', o.content_type) as path) p
   where b.variants ? r.key;
  update storage.objects x
     set variants = coalesce(made, '{}'), variants_status = 'ready', updated_at = pg_catalog.now()
   where x.id = o.id;
  return true;
end
$$;
comment on function storage_private.set_variants(uuid, text, jsonb) is
  'Record the variants made of an object''s current content ({"name": {width, height, bytes, type, sha256}} or {"error": ...}).';

create function storage_private.claim_orphans(files text[]) returns setof text
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  f text;
  parts text[];
begin
  foreach f in array files loop
    -- <public|private>/<bucket>/<object path>[~<variant>]
    parts := pg_catalog.regexp_match(f, '^(public|private)/([^/]+)/([^~]+)(~.*)?$');
    continue when parts is null;
    perform storage_private.lock_files(parts[2], parts[3]);
    if not exists (select from storage.objects o
                    where o.bucket_id = parts[2] and o.path = parts[3]
                      and f = any (storage_private.files_of(o))) then
      return next f;
    end if;
  end loop;
end
$$;
comment on function storage_private.claim_orphans(text[]) is
  'Of files found on disk, those no object holds; their object paths stay locked until commit.';

create function storage_private.sweep_pending() returns bigint
language sql volatile
security definer
set search_path = ''
as $$
  with gone as (
    delete from storage.objects o
     where o.status = 'pending'
       and o.created_at < pg_catalog.now() - (select c.pending_timeout from storage_private.config c)
    returning 1)
  select pg_catalog.count(*) from gone
$$;
comment on function storage_private.sweep_pending() is
  'Job storage.sweep_pending: drop uploads pending longer than storage_private.config.pending_timeout.';

create function storage_private.files() returns table (file text, bytes bigint, sha256 text, object_id uuid)
language sql stable
set search_path = ''
as $$
  select storage_private.file_of(o.public, o.bucket_id, o.path), o.size, o.sha256, o.id
    from storage.objects o where o.status = 'ready'
  union all
  select storage_private.file_of(o.public, o.bucket_id, v.value ->> 'path'), (v.value ->> 'bytes')::bigint,
         v.value ->> 'sha256', o.id
    from storage.objects o, pg_catalog.jsonb_each(o.variants) v
   where o.status = 'ready'
$$;
comment on function storage_private.files() is
  'Every file the ready objects hold (original and variants) with bytes and SHA-256: what backups copy and verify.';

revoke execute on function storage_private.variant_path(text, text, text, text, text),
  storage_private.files_of(storage.objects), storage_private.claim_deletions(integer),
  storage_private.finish_deletions(bigint[]), storage_private.pending_variants(integer),
  storage_private.set_variants(uuid, text, jsonb), storage_private.claim_orphans(text[]),
  storage_private.sweep_pending(), storage_private.files() from public;
grant execute on function storage_private.claim_deletions(integer),
  storage_private.finish_deletions(bigint[]), storage_private.pending_variants(integer),
  storage_private.set_variants(uuid, text, jsonb), storage_private.claim_orphans(text[])
  to platform_jobs;

select platform.schedule_job('storage.sweep_pending', '10 minutes', 'storage_private.sweep_pending()');

commit;
