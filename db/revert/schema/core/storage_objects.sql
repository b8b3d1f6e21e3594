-- Revert platform:schema/core/storage_objects from pg

begin;

drop table storage.objects;
drop function storage_private.path_is_valid(text);

commit;
