-- Verify platform:schema/publishing/storage_buckets on pg

begin;

select 1 / (select pg_catalog.count(*) from storage.buckets
             where id in ('avatars', 'covers') and module = 'publishing' and public)::int / 2;

rollback;
