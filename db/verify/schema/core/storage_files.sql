-- Verify platform:schema/core/storage_files on pg

begin;

select id, bucket_id, object_path, files, queued_at from storage_private.deleted_files where false;
select 1 / (select pg_catalog.count(*) from storage_private.config)::int;

rollback;
