-- Deploy platform:schema/core/storage_files to pg
-- requires: schema/core/storage_objects
--
-- What the gateway's file keeper reads, never the API roles:
--   storage_private.deleted_files  the deletion queue: files (paths relative to the
--       storage dir, e.g. public/avatars/<user>/me.png) whose row was deleted or
--       replaced. A statement trigger on storage.objects fills it in the deleting
--       transaction and NOTIFY storage_files wakes the gateway, which removes the
--       files and the queue rows together (functions/core/storage_files). SQL never
--       touches a file.
--   storage_private.config         one row: how long an upload may stay pending
--       before the job storage.sweep_pending removes its row.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table storage_private.deleted_files (
  id bigint generated always as identity primary key,
  bucket_id text not null,
  -- the object's path: a file is only removed while no row holds that path again
  object_path text not null,
  -- relative to the storage dir: <public|private>/<bucket>/<file>
  files text[] not null constraint deleted_files_files_present check (pg_catalog.cardinality(files) > 0),
  queued_at timestamptz not null default pg_catalog.now()
);
comment on table storage_private.deleted_files is
  'Files to remove from disk (their rows were deleted or replaced); the gateway empties it.';
alter table storage_private.deleted_files enable row level security;

create table storage_private.config (
  singleton boolean primary key default true constraint config_singleton check (singleton),
  pending_timeout interval not null default '1 hour'
    constraint config_pending_timeout_positive check (pending_timeout > interval '0')
);
insert into storage_private.config default values;
comment on table storage_private.config is 'Storage settings (one row): how long an upload may stay pending.';
alter table storage_private.config enable row level security;

commit;
