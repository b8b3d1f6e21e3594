-- Verify platform:schema/publishing/comment_visibility on pg

begin;

select article_visible_from from publishing.comments where false;
select 1 / pg_catalog.count(*)::int from pg_catalog.pg_trigger
 where tgrelid = 'publishing.comments'::regclass and tgname = 'comments_article_visibility';
select 1 / pg_catalog.count(*)::int from pg_catalog.pg_trigger
 where tgrelid = 'publishing.articles'::regclass and tgname = 'articles_comment_visibility';
select 1 / ((select pg_catalog.count(*) from pg_catalog.pg_proc
              where oid in ('publishing_private.copy_article_visibility()'::regprocedure,
                            'publishing_private.sync_article_visibility()'::regprocedure)
                and prosecdef and proconfig = array['search_path=""']) = 2)::int;
-- No comment disagrees with its article.
select 1 / (not exists (
  select from publishing.comments c join publishing.articles a on a.id = c.article_id
   where c.article_visible_from is distinct from publishing_private.visible_from(a)))::int;

rollback;
