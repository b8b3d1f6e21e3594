-- Verify platform:rls/publishing/articles on pg

begin;

select 1 / (pg_catalog.count(*) = 4)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'articles';
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'publishing.articles', 'delete'))::int;
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'publishing.articles', 'view_count', 'update'))::int;
select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'article_tags' and cmd = 'SELECT'
   and qual like '%article_visible_from%';
select 1 / count(*)
  from pg_catalog.pg_proc p join pg_catalog.pg_language l on l.oid = p.prolang
 where p.oid = 'publishing_private.coauthored_article_ids()'::regprocedure
   and l.lanname = 'plpgsql'
   and p.prosecdef
   and p.proconfig = array['search_path=""'];

rollback;
