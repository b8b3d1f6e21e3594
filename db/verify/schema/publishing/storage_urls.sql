-- Verify platform:schema/publishing/storage_urls on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgname in ('profiles_avatar_url_owned', 'articles_cover_url_owned'))::int / 2;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_constraint
             where conname = 'profiles_avatar_url_format' and pg_catalog.pg_get_constraintdef(oid) like '%storage%')::int;

rollback;
