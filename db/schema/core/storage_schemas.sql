-- Deploy platform:schema/core/storage_schemas to pg
-- requires: schema/core/namespaces
-- requires: schema/core/modules
--
-- Storage (uploads) is a platform primitive: buckets declared by modules, object
-- metadata under row-level security, files on disk kept by the gateway's storage
-- service (docs/storage.md).
--   storage          exposed (Accept-Profile: storage): `buckets` (their rules, readable
--                    by anyone) and `objects` (a caller lists their own objects and the
--                    public ones; deleting a row deletes its files). No function here:
--                    nothing in it is an RPC.
--   storage_private  never exposed: what the gateway asks as the caller (begin_upload,
--                    finish_upload, authorize_read, delete_object...), what it asks as
--                    platform_jobs (pending variants, the deletion queue, the sweep), the
--                    deletion queue itself and the helpers of the rules.
-- Registered as the module `storage` after publishing: `api` stays the default profile.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create schema storage;
comment on schema storage is
  'Exposed (Accept-Profile: storage): buckets and object metadata of uploaded files. RLS everywhere.';
create schema storage_private;
comment on schema storage_private is
  'Private to storage: the functions the gateway calls (as the caller or as platform_jobs), the deletion queue, rule helpers.';

grant usage on schema storage to anon, authenticated, platform_jobs;
-- The gateway calls storage_private functions as the caller; PostgREST never sees the schema.
grant usage on schema storage_private to anon, authenticated, platform_jobs;

select platform.register_module('storage',
  'Uploaded files: buckets declared by modules, object metadata under RLS, files kept by the gateway.',
  array['storage']);

commit;
