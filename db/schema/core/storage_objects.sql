-- Deploy platform:schema/core/storage_objects to pg
-- requires: schema/core/storage_buckets
-- requires: schema/core/auth_users
--
-- One row per uploaded file: where it is (bucket, path: the file is
-- <storage dir>/<public|private>/<bucket>/<path>), whose it is, what it is (size,
-- content type from its magic bytes, SHA-256 of the stored bytes, pixel size of an
-- image) and its variants once the gateway made them.
--   status          pending while the upload streams (the row reserves the path; a
--                   row stuck pending is removed by the job storage.sweep_pending),
--                   ready once the file is in place.
--   variants_status none (nothing to make), pending (the gateway's workers will make
--                   them), ready or failed; `variants` then holds, by name, each
--                   variant's path, url, width, height, bytes, type and sha256.
--   public          copied from the bucket when the row is made (a bucket with objects
--                   never changes it): the select policy reads it without a join.
--   url             where clients fetch it: /storage/public/<bucket>/<path> (served
--                   by nginx) or /storage/object/<bucket>/<path> (authorised by SQL).
-- Nobody writes these rows through PostgREST: the gateway does, through the functions
-- of functions/core/storage_uploads, asking as the caller.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- A path inside a bucket: 1 to 16 segments of letters, digits, '.', '_' and '-'
-- separated by '/', none starting with '.' (no '.', '..' or hidden names), no '..'
-- anywhere, at most 128 characters a segment and 512 in all. '~' never appears in
-- a path: variant files are named <path>~<variant>-<sha>.<ext> beside the original.
create function storage_private.path_is_valid(path text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(path ~ '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,15}$'
                  and pg_catalog.strpos(path, '..') = 0
                  and pg_catalog.octet_length(path) <= 512, false)
$$;
comment on function storage_private.path_is_valid(text) is
  'Whether a path may name an object: segments of [A-Za-z0-9._-] split by /, none starting with a dot, no .., <= 512 bytes.';
revoke execute on function storage_private.path_is_valid(text) from public;

create table storage.objects (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  bucket_id text not null references storage.buckets (id),
  path text not null constraint objects_path_format check (storage_private.path_is_valid(path)),
  public boolean not null,
  owner_id uuid not null references auth.users (id) on delete cascade,
  status text not null default 'pending'
    constraint objects_status_known check (status in ('pending', 'ready')),
  size bigint constraint objects_size_positive check (size >= 0),
  content_type text constraint objects_content_type_format check (content_type ~ '^[a-z]+/[a-z0-9.+-]{1,100}$'),
  sha256 text constraint objects_sha256_format check (sha256 ~ '^[0-9a-f]{64}$'),
  -- pixels: images past the gateway's pixel limit are refused, far below 2^31 a side
  -- squawk-ignore prefer-bigint-over-int
  width integer constraint objects_width_positive check (width > 0),
  -- pixels, as width
  -- squawk-ignore prefer-bigint-over-int
  height integer constraint objects_height_positive check (height > 0),
  variants jsonb not null default '{}'
    constraint objects_variants_object check (pg_catalog.jsonb_typeof(variants) = 'object'),
  variants_status text not null default 'none'
    constraint objects_variants_status_known check (variants_status in ('none', 'pending', 'ready', 'failed')),
  url text generated always as (
    case when public then '/storage/public/' else '/storage/object/' end || bucket_id || '/' || path) stored,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  -- a ready object describes its file
  constraint objects_ready_described
    check (status = 'pending' or (size is not null and content_type is not null and sha256 is not null)),
  -- one object per path of a bucket (also the index of the bucket_id foreign key)
  constraint objects_bucket_path_key unique (bucket_id, path)
);
-- The policies filter on the owner.
create index objects_owner_id_idx on storage.objects (owner_id);
-- The sweep of uploads that never finished, and the variant workers' queue.
create index objects_pending_created_idx on storage.objects (created_at) where status = 'pending';
create index objects_variants_pending_idx on storage.objects (updated_at)
  where variants_status = 'pending';
comment on table storage.objects is
  'Uploaded files: bucket, path, owner, size, content type, SHA-256, pixel size, variants. Written by the gateway.';
alter table storage.objects enable row level security;

commit;
