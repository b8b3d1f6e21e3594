-- Revert platform:schema/core/storage_files from pg

begin;

drop table storage_private.config;
drop table storage_private.deleted_files;

commit;
