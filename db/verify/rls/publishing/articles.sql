-- Verify platform:rls/publishing/articles on pg

begin;

select 1 / (pg_catalog.count(*) = 4)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'articles';
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'publishing.articles', 'delete'))::int;
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'publishing.articles', 'view_count', 'update'))::int;

rollback;
