-- Revert platform:schema/core/storage_buckets from pg

begin;

drop table storage.buckets;
drop function storage_private.variants_valid(jsonb);

commit;
