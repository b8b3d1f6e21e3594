-- Verify platform:schema/publishing/engagement on pg

begin;

select article_id, user_id, created_at from publishing.article_likes where false;
select viewed_at, article_id, viewer_id from publishing_private.article_views where false;
select key, value, updated_at, updated_by from publishing.site_settings where false;
select 1 / pg_catalog.count(*) from pg_catalog.pg_inherits
 where inhparent = 'publishing_private.article_views'::regclass;

rollback;
