-- Verify platform:schema/publishing/article_pages on pg

begin;

select id, slug, title, excerpt, content, cover_image_url, reading_minutes, status,
       featured, publish_at, published_at, author_id, category_id, view_count,
       like_count, comment_count, version, created_at, updated_at,
       author, category, tags, comments
  from publishing.article_pages
 where false;

-- A view that ran as its owner would bypass the policies of every table it reads.
select 1 / (c.reloptions @> array['security_invoker=true'])::int
  from pg_catalog.pg_class c
 where c.oid = 'publishing.article_pages'::regclass;

-- The search vector stays out of the page.
select 1 / (count(*) = 0)::int
  from pg_catalog.pg_attribute
 where attrelid = 'publishing.article_pages'::regclass and attname = 'search';

rollback;
