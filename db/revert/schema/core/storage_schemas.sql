-- Revert platform:schema/core/storage_schemas from pg

begin;

select platform.unregister_module('storage');
drop schema storage_private;
drop schema storage;

commit;
