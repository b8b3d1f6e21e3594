-- Verify platform:schema/core/storage_objects on pg

begin;

select id, bucket_id, path, public, owner_id, status, size, content_type, sha256, width, height,
       variants, variants_status, url, created_at, updated_at
  from storage.objects where false;
select 1 / storage_private.path_is_valid('3f1c/avatar.png')::int;
select 1 / (not storage_private.path_is_valid('../etc/passwd'))::int;
select 1 / (not storage_private.path_is_valid('/abs'))::int;

rollback;
