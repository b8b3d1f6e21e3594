-- Verify platform:rls/publishing/article_tags_visibility on pg

begin;

select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'article_tags' and cmd = 'SELECT'
   and qual like '%article_visible_from%';

rollback;
