-- Verify platform:schema/publishing/articles on pg

begin;

select id, title, slug, excerpt, content, cover_image_url, reading_minutes, status, featured,
       publish_at, published_at, author_id, category_id, view_count, like_count, comment_count,
       version, deleted_at, created_at, updated_at, search
  from publishing.articles where false;
select article_id, user_id from publishing.article_authors where false;
select article_id, tag_id from publishing.article_tags where false;
select 1 / (publishing_private.slugify('Ça va? Très bien!') = 'ca-va-tres-bien')::int;
select 1 / (select p.prosecdef::int from pg_catalog.pg_proc p
             where p.oid = 'publishing_private.next_free_slug(text)'::pg_catalog.regprocedure);

rollback;
