-- Deploy platform:functions/core/storage_uploads to pg
-- requires: functions/core/storage_rules
-- requires: schema/core/storage_files
-- requires: functions/core/auth_claims
--
-- What the gateway's storage service asks SQL AS THE CALLER (connected as
-- authenticator, role and claims set, auth.check_request() run: exactly as PostgREST
-- and the realtime gateway do). Errors are PostgREST-shaped with stable codes, the
-- field named in the message and in `details` ({"field": ...}):
--
--   begin_upload(bucket, path, content_type, declared_size, replace)
--       401 storage.sign_in_required  anonymous callers never upload
--       404 storage.bucket_not_found  no such bucket
--       400 storage.invalid_path      the path breaks storage_private.path_is_valid
--       403 storage.forbidden         the bucket's write rule says no (default: only
--                                     under your own folder <user id>/...)
--       415 storage.type_not_allowed  the type read from the file's magic bytes
--       400 storage.extension_mismatch  the path's extension does not match that type
--       413 storage.too_large         the declared size (Content-Length) is over the limit
--       409 storage.object_exists     POST on a taken path (PUT replaces your own)
--     then reserves the path: a pending row owned by the caller (or, for PUT, the
--     caller's existing object), and answers the object id, the byte limit the stream
--     is cut at, and whether the bucket is public.
--   finish_upload(id, size, content_type, sha256, width, height)
--       the stored file's facts; size and type are checked again (413, 415; 400
--       storage.empty for no bytes); the row becomes ready, its old variants (a PUT)
--       go to the deletion queue, and variants_status is pending when the bucket
--       declares variants and the file is an image (width known). Takes the object's
--       file lock (storage_private.lock_files): the gateway renames the file into place
--       inside this transaction, before it commits.
--   abort_upload(id)        drop the caller's pending row (an upload that failed).
--   authorize_read(bucket, path)  404 storage.not_found unless the caller may read it
--       (the select policy: public and ready, or their own; or the bucket's read
--       rule). `path` may name a variant (<path>~<variant>-<sha>.<ext>). Answers the
--       file (relative to the storage dir), type, size, SHA-256.
--   delete_object(bucket, path)   delete under the delete policy (the owner): 404
--       when the caller cannot see it, 403 when they see it but may not delete it.
--       The files follow through the deletion queue (functions/core/storage_files).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- Where an object's file lives, relative to the storage dir.
create function storage_private.file_of(public boolean, bucket text, path text) returns text
language sql immutable parallel safe
set search_path = ''
as $$ select case when public then 'public/' else 'private/' end || bucket || '/' || path $$;

-- The advisory locks around a file change. Shared "files" lock: a backup takes it
-- exclusively while it links the files its snapshot lists (ops/backups/files.py), so no
-- file is replaced or removed in between. Per object path: an upload's rename, a
-- variant's rename and the deletion of old files of one path never interleave.
create function storage_private.lock_files(bucket text, path text) returns void
language sql volatile
set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock_shared(21332, 1),
         pg_catalog.pg_advisory_xact_lock(21333, pg_catalog.hashtext(bucket || '/' || path))
$$;
comment on function storage_private.lock_files(text, text) is
  'Take the locks a file change holds until commit: the shared files lock (backups) and the object path''s lock.';

-- A file's name must not lie about its content: its extension matches the type read
-- from its magic bytes (a PNG named x.html would be served as HTML by anything that
-- goes by the name). Other types may not take an extension browsers run.
create function storage_private.extension_allowed(path text, content_type text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select case content_type
           when 'image/png' then e.ext is not distinct from 'png'
           when 'image/jpeg' then e.ext in ('jpg', 'jpeg')
           when 'image/gif' then e.ext is not distinct from 'gif'
           when 'image/webp' then e.ext is not distinct from 'webp'
           when 'application/pdf' then e.ext is not distinct from 'pdf'
           else e.ext is null or e.ext <> all (array['html', 'htm', 'xhtml', 'shtml', 'svg', 'svgz', 'xml',
                                                   'xsl', 'js', 'mjs', 'css', 'php', 'swf'])
         end
    from (select pg_catalog.lower(pg_catalog.substring(path, '\.([A-Za-z0-9]+)$')) as ext) e
$$;
comment on function storage_private.extension_allowed(text, text) is
  'Whether a path''s extension agrees with the content type read from the file (.png for image/png...).';

create function storage_private.error_details(field text, extra jsonb default '{}') returns text
language sql immutable parallel safe
set search_path = ''
as $$ select (pg_catalog.jsonb_build_object('field', field) || extra)::text $$;

-- SECURITY DEFINER: API roles never insert into storage.objects. Called by
-- begin_upload once the caller passed the bucket's rules (which run as the caller).
create function storage_private.reserve_object(bucket text, path text, replace boolean)
returns table (object_id uuid, replacing boolean)
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  existing storage.objects;
begin
  if caller is null then
    perform platform.raise_error(401, 'storage.sign_in_required', 'sign in to upload files');
  end if;
  insert into storage.objects as o (bucket_id, path, public, owner_id)
  select b.id, reserve_object.path, b.public, caller from storage.buckets b where b.id = reserve_object.bucket
  on conflict on constraint objects_bucket_path_key do nothing
  returning o.id into object_id;
  if object_id is not null then
    replacing := false;
    return next;
    return;
  end if;
  select o.* into existing from storage.objects o
   where o.bucket_id = reserve_object.bucket and o.path = reserve_object.path for update;
  if existing.id is null then
    perform platform.raise_error(404, 'storage.bucket_not_found',
      pg_catalog.format('bucket %s does not exist', bucket), storage_private.error_details('bucket'));
  end if;
  if not replace then
    perform platform.raise_error(409, 'storage.object_exists',
      pg_catalog.format('path %s of bucket %s is taken', path, bucket), storage_private.error_details('path'),
      'upload under another name, or PUT to replace an object of yours');
  end if;
  if existing.owner_id <> caller then
    perform platform.raise_error(403, 'storage.forbidden',
      pg_catalog.format('path %s of bucket %s belongs to another user', path, bucket),
      storage_private.error_details('path'));
  end if;
  object_id := existing.id;
  replacing := existing.status = 'ready';
  return next;
end
$$;
comment on function storage_private.reserve_object(text, text, boolean) is
  'Reserve a path for the caller (a pending row), or hand back their own object to replace; called by begin_upload.';

create function storage_private.begin_upload(
  bucket text, path text, content_type text, declared_size bigint default null, replace boolean default false
) returns table (object_id uuid, max_bytes bigint, public boolean, replacing boolean)
language plpgsql volatile
set search_path = ''
as $$
declare
  rules storage.buckets;
begin
  if (select auth.uid()) is null then
    perform platform.raise_error(401, 'storage.sign_in_required', 'sign in to upload files', null,
      'send an access token (Authorization: Bearer ...)');
  end if;
  select b.* into rules from storage.buckets b where b.id = begin_upload.bucket;
  if rules.id is null then
    perform platform.raise_error(404, 'storage.bucket_not_found',
      pg_catalog.format('bucket %s does not exist', bucket), storage_private.error_details('bucket'));
  end if;
  if not storage_private.path_is_valid(path) then
    perform platform.raise_error(400, 'storage.invalid_path',
      pg_catalog.format('path %s is not a valid object path', path), storage_private.error_details('path'),
      'use 1 to 16 segments of letters, digits, ".", "_" and "-" separated by "/", none starting with "." (at most 512 characters)');
  end if;
  if not storage_private.may_write(bucket, path) then
    perform platform.raise_error(403, 'storage.forbidden',
      pg_catalog.format('you may not write %s in bucket %s', path, bucket), storage_private.error_details('path'),
      case when rules.authorize_write is null
           then pg_catalog.format('upload under your own folder: %s/...', (select auth.uid())) end);
  end if;
  if content_type is null or content_type <> all (rules.allowed_types) then
    perform platform.raise_error(415, 'storage.type_not_allowed',
      pg_catalog.format('content type %s is not allowed in bucket %s', coalesce(content_type, 'unknown'), bucket),
      storage_private.error_details('content_type', pg_catalog.jsonb_build_object('allowed', rules.allowed_types)),
      'the type is read from the file''s content, not its name');
  end if;
  if not storage_private.extension_allowed(path, content_type) then
    perform platform.raise_error(400, 'storage.extension_mismatch',
      pg_catalog.format('path %s does not end with an extension of its content type %s', path, content_type),
      storage_private.error_details('path'), 'name the file after its content (.png for a PNG...)');
  end if;
  if declared_size > rules.max_bytes then
    perform platform.raise_error(413, 'storage.too_large',
      pg_catalog.format('size %s bytes is over the limit of bucket %s (%s bytes)', declared_size, bucket, rules.max_bytes),
      storage_private.error_details('size', pg_catalog.jsonb_build_object('max_bytes', rules.max_bytes)));
  end if;
  return query
    select r.object_id, rules.max_bytes, rules.public, r.replacing
      from storage_private.reserve_object(bucket, path, replace) r;
end
$$;
comment on function storage_private.begin_upload(text, text, text, bigint, boolean) is
  'Run as the uploader: check the bucket''s rules and reserve the path; the object id and the byte limit.';

create function storage_private.finish_upload(
  object_id uuid, size bigint, content_type text, sha256 text, width integer default null,
  height integer default null
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  o storage.objects;
  rules storage.buckets;
begin
  select x.* into o from storage.objects x where x.id = finish_upload.object_id for update;
  if o.id is null or caller is null or o.owner_id <> caller then
    perform platform.raise_error(404, 'storage.upload_unknown',
      pg_catalog.format('no upload %s of yours', object_id), storage_private.error_details('id'));
  end if;
  select b.* into rules from storage.buckets b where b.id = o.bucket_id;
  if size is null or size < 1 then
    perform platform.raise_error(400, 'storage.empty', 'the file is empty', storage_private.error_details('size'));
  end if;
  if size > rules.max_bytes then
    perform platform.raise_error(413, 'storage.too_large',
      pg_catalog.format('size %s bytes is over the limit of bucket %s (%s bytes)', size, rules.id, rules.max_bytes),
      storage_private.error_details('size', pg_catalog.jsonb_build_object('max_bytes', rules.max_bytes)));
  end if;
  if content_type is null or content_type <> all (rules.allowed_types) then
    perform platform.raise_error(415, 'storage.type_not_allowed',
      pg_catalog.format('content type %s is not allowed in bucket %s', coalesce(content_type, 'unknown'), rules.id),
      storage_private.error_details('content_type', pg_catalog.jsonb_build_object('allowed', rules.allowed_types)));
  end if;
  if not storage_private.extension_allowed(o.path, content_type) then
    perform platform.raise_error(400, 'storage.extension_mismatch',
      pg_catalog.format('path %s does not end with an extension of its content type %s', o.path, content_type),
      storage_private.error_details('path'));
  end if;
  perform storage_private.lock_files(o.bucket_id, o.path);
  -- A replaced object's variants are named after its old content: they go.
  if o.status = 'ready' and o.variants <> '{}' then
    insert into storage_private.deleted_files (bucket_id, object_path, files)
    select o.bucket_id, o.path, pg_catalog.array_agg(storage_private.file_of(o.public, o.bucket_id, v.value ->> 'path'))
      from pg_catalog.jsonb_each(o.variants) v
    having pg_catalog.count(*) > 0;
    perform pg_catalog.pg_notify('storage_files', '');
  end if;
  update storage.objects x
     set status = 'ready', size = finish_upload.size, content_type = finish_upload.content_type,
         sha256 = finish_upload.sha256, width = finish_upload.width, height = finish_upload.height,
         variants = '{}',
         variants_status = case when finish_upload.width is not null and rules.variants <> '{}'
                                then 'pending' else 'none' end,
         updated_at = pg_catalog.now()
   where x.id = o.id
  returning x.* into o;
  return pg_catalog.jsonb_build_object(
    'id', o.id, 'bucket', o.bucket_id, 'path', o.path, 'url', o.url, 'public', o.public,
    'file', storage_private.file_of(o.public, o.bucket_id, o.path), 'size', o.size,
    'content_type', o.content_type, 'sha256', o.sha256, 'width', o.width, 'height', o.height,
    'variants_status', o.variants_status);
end
$$;
comment on function storage_private.finish_upload(uuid, bigint, text, text, integer, integer) is
  'Run as the uploader: the stored file''s facts; checks size and type again, makes the object ready, locks its file.';

create function storage_private.abort_upload(object_id uuid) returns void
language sql volatile
security definer
set search_path = ''
as $$
  delete from storage.objects o
   where o.id = abort_upload.object_id and o.owner_id = (select auth.uid()) and o.status = 'pending'
$$;
comment on function storage_private.abort_upload(uuid) is
  'Run as the uploader: forget their pending row after a failed upload.';

-- SECURITY DEFINER: authorize_read ran the bucket's read rule as the caller and it
-- said yes; the row is read past the select policy. (The rule is not run here: inside
-- a definer function it would not run as the caller.)
create function storage_private.object_by_rule(bucket text, path text) returns storage.objects
language sql stable
security definer
set search_path = ''
as $$
  select o.* from storage.objects o
   where o.bucket_id = object_by_rule.bucket and o.path = object_by_rule.path and o.status = 'ready'
     and exists (select from storage.buckets b where b.id = o.bucket_id and b.authorize_read is not null)
$$;

create function storage_private.authorize_read(bucket text, path text)
returns table (object_id uuid, public boolean, file text, content_type text, size bigint, sha256 text,
               updated_at timestamptz)
language plpgsql stable
set search_path = ''
as $$
declare
  object_path text := pg_catalog.split_part(path, '~', 1);
  o storage.objects;
  variant jsonb;
begin
  if not storage_private.path_is_valid(object_path)
     or (pg_catalog.strpos(path, '~') > 0 and path !~ '^[^~]+~[a-z][a-z0-9_]{0,23}-[0-9a-f]{8}\.[a-z]{3,4}$') then
    perform platform.raise_error(400, 'storage.invalid_path',
      pg_catalog.format('path %s is not a valid object path', path), storage_private.error_details('path'));
  end if;
  select x.* into o from storage.objects x
   where x.bucket_id = authorize_read.bucket and x.path = object_path and x.status = 'ready';
  if o.id is null and storage_private.may_read_by_rule(bucket, object_path) then
    o := storage_private.object_by_rule(bucket, object_path);
  end if;
  if o.id is null then
    perform platform.raise_error(404, 'storage.not_found',
      pg_catalog.format('no object %s in bucket %s that you may read', path, bucket),
      storage_private.error_details('path'));
  end if;
  if object_path = path then
    return query select o.id, o.public, storage_private.file_of(o.public, o.bucket_id, o.path),
                        o.content_type, o.size, o.sha256, o.updated_at;
    return;
  end if;
  select v.value into variant from pg_catalog.jsonb_each(o.variants) v where v.value ->> 'path' = authorize_read.path;
  if variant is null then
    perform platform.raise_error(404, 'storage.not_found',
      pg_catalog.format('no variant %s in bucket %s', path, bucket), storage_private.error_details('path'));
  end if;
  return query select o.id, o.public, storage_private.file_of(o.public, o.bucket_id, path),
                      variant ->> 'type', (variant ->> 'bytes')::bigint, variant ->> 'sha256', o.updated_at;
end
$$;
comment on function storage_private.authorize_read(text, text) is
  'Run as the reader: the file to serve if they may read this object (or variant), else 404 storage.not_found.';

create function storage_private.delete_object(bucket text, path text) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
  deleted uuid;
begin
  if (select auth.uid()) is null then
    perform platform.raise_error(401, 'storage.sign_in_required', 'sign in to delete files');
  end if;
  delete from storage.objects o where o.bucket_id = delete_object.bucket and o.path = delete_object.path
  returning o.id into deleted;
  if deleted is null then
    if exists (select from storage.objects o where o.bucket_id = delete_object.bucket and o.path = delete_object.path) then
      perform platform.raise_error(403, 'storage.forbidden',
        pg_catalog.format('you may not delete %s in bucket %s', path, bucket), storage_private.error_details('path'));
    end if;
    perform platform.raise_error(404, 'storage.not_found',
      pg_catalog.format('no object %s in bucket %s that you may read', path, bucket),
      storage_private.error_details('path'));
  end if;
  return deleted;
end
$$;
comment on function storage_private.delete_object(text, text) is
  'Run as the caller: delete an object under the delete policy (its files follow); 404 or 403 otherwise.';

revoke execute on function storage_private.reserve_object(text, text, boolean),
  storage_private.finish_upload(uuid, bigint, text, text, integer, integer),
  storage_private.abort_upload(uuid), storage_private.object_by_rule(text, text),
  storage_private.lock_files(text, text) from public;
grant execute on function storage_private.file_of(boolean, text, text),
  storage_private.error_details(text, jsonb), storage_private.extension_allowed(text, text), storage_private.path_is_valid(text),
  storage_private.authorize_read(text, text), storage_private.object_by_rule(text, text)
  to anon, authenticated;
-- begin_upload and delete_object answer anonymous callers 401 themselves.
grant execute on function storage_private.begin_upload(text, text, text, bigint, boolean),
  storage_private.delete_object(text, text) to anon;
grant execute on function storage_private.begin_upload(text, text, text, bigint, boolean),
  storage_private.reserve_object(text, text, boolean),
  storage_private.finish_upload(uuid, bigint, text, text, integer, integer),
  storage_private.abort_upload(uuid), storage_private.delete_object(text, text),
  storage_private.lock_files(text, text)
  to authenticated;
grant execute on function storage_private.lock_files(text, text), storage_private.file_of(boolean, text, text)
  to platform_jobs;
select platform.declare_api_function('storage', 'storage_private.file_of(boolean, text, text)',
  array['anon', 'authenticated'], 'Where an object''s file lives, for the caller-run storage functions; reads no data.');
select platform.declare_api_function('storage', 'storage_private.error_details(text, jsonb)',
  array['anon', 'authenticated'], 'The details of a storage error (the field), for caller-run functions; reads no data.');
select platform.declare_api_function('storage', 'storage_private.extension_allowed(text, text)',
  array['anon', 'authenticated'], 'The file-name rule (extension agrees with the content type), for begin_upload; reads no data.');
select platform.declare_api_function('storage', 'storage_private.path_is_valid(text)',
  array['anon', 'authenticated'], 'The object path rule, checked by caller-run storage functions; reads no data.');
select platform.declare_api_function('storage', 'storage_private.authorize_read(text, text)',
  array['anon', 'authenticated'], 'The gateway asks, as the reader, which file it may serve (the select policy and the bucket''s read rule).');
select platform.declare_api_function('storage', 'storage_private.object_by_rule(text, text)',
  array['anon', 'authenticated'], 'Definer: the object authorize_read may serve once the bucket''s read rule, run as the caller, said yes.');
select platform.declare_api_function('storage', 'storage_private.begin_upload(text, text, text, bigint, boolean)',
  array['anon', 'authenticated'], 'The gateway asks, as the uploader, whether they may upload there (the bucket''s rules) and reserves the path.');
select platform.declare_api_function('storage', 'storage_private.reserve_object(text, text, boolean)',
  array['authenticated'], 'Definer: writes the caller''s pending row once begin_upload applied the rules; never exposed by PostgREST.');
select platform.declare_api_function('storage', 'storage_private.finish_upload(uuid, bigint, text, text, integer, integer)',
  array['authenticated'], 'Definer: the gateway records the stored file of the caller''s own upload (size and type checked again).');
select platform.declare_api_function('storage', 'storage_private.abort_upload(uuid)',
  array['authenticated'], 'Definer: the gateway drops the caller''s own pending row after a failed upload.');
select platform.declare_api_function('storage', 'storage_private.delete_object(text, text)',
  array['anon', 'authenticated'], 'The gateway deletes an object as the caller, under the delete policy.');
select platform.declare_api_function('storage', 'storage_private.lock_files(text, text)',
  array['authenticated'], 'finish_upload locks the object''s file until commit (advisory locks only).');

commit;
