-- Verify platform:schema/publishing/tag_visibility on pg

begin;

select article_visible_from from publishing.article_tags where false;
select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_trigger
 where tgname in ('article_tags_article_visibility', 'articles_tag_visibility');
-- No tag disagrees with its article.
select 1 / (not exists (
  select from publishing.article_tags t join publishing.articles a on a.id = t.article_id
   where t.article_visible_from is distinct from publishing_private.visible_from(a)))::int;

rollback;
