-- Verify platform:schema/publishing/article_cards on pg

begin;

select id, slug, title, excerpt, cover_image_url, reading_minutes, status, featured,
       published_at, author_id, category_id, view_count, like_count, comment_count,
       updated_at, deleted_at, author, category
  from publishing.article_cards
 where false;

-- A view that ran as its owner would bypass the articles policies.
select 1 / (c.reloptions @> array['security_invoker=true'])::int
  from pg_catalog.pg_class c
 where c.oid = 'publishing.article_cards'::regclass;

rollback;
