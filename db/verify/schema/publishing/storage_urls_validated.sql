-- Verify platform:schema/publishing/storage_urls_validated on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_constraint
             where conname in ('profiles_avatar_url_format', 'articles_cover_image_url_format')
               and convalidated)::int / 2;

rollback;
