-- Verify platform:schema/core/storage_buckets on pg

begin;

select id, module, public, allowed_types, max_bytes, variants, authorize_write, authorize_read,
       created_at, updated_at
  from storage.buckets where false;
select 1 / storage_private.variants_valid('{"thumb": {"width": 128, "height": 128, "fit": "cover"}}')::int;
select 1 / (not storage_private.variants_valid('{"thumb": {"fit": "cover"}}'))::int;

rollback;
