-- Verify platform:schema/publishing/articles on pg

begin;

select id, title, slug, excerpt, content, cover_image_url, reading_minutes, status, featured,
       publish_at, published_at, author_id, category_id, view_count, like_count, comment_count,
       version, deleted_at, created_at, updated_at, search
  from publishing.articles where false;
select article_id, user_id from publishing.article_authors where false;
select article_id, tag_id, article_visible_from from publishing.article_tags where false;
-- search and reading_minutes are plain columns (a generated column is never dumped)...
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute a
 where a.attrelid = 'publishing.articles'::regclass
   and a.attname in ('search', 'reading_minutes') and a.attgenerated = '';
-- ...kept by the trigger.
select 1 / count(*)::int from pg_catalog.pg_trigger t
 where t.tgrelid = 'publishing.articles'::regclass and t.tgname = 'articles_derive'
   and t.tgfoid = 'publishing_private.derive_article_columns()'::regprocedure;
select 1 / (not pg_catalog.has_function_privilege('public', 'publishing_private.derive_article_columns()', 'execute'))::int;
select 1 / (pg_catalog.pg_get_indexdef('publishing.articles_by_published_idx'::regclass)
             like '%(published_at DESC NULLS LAST, id DESC)%')::int;
select 1 / ((select pg_catalog.count(*) from pg_catalog.pg_proc
              where oid in ('publishing_private.copy_article_visibility()'::regprocedure,
                            'publishing_private.sync_article_visibility()'::regprocedure)
                and prosecdef and proconfig = array['search_path=""']) = 2)::int;
select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_trigger
 where tgname in ('article_tags_article_visibility', 'articles_tag_visibility');
select 1 / (publishing_private.slugify('Ça va? Très bien!') = 'ca-va-tres-bien')::int;
select 1 / (select p.prosecdef::int from pg_catalog.pg_proc p
             where p.oid = 'publishing_private.next_free_slug(text)'::pg_catalog.regprocedure);

rollback;
