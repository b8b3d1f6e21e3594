-- Verify platform:rls/publishing/comments on pg

begin;

select 1 / (pg_catalog.count(*) = 6)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename in ('comments', 'comment_moderation');
select 1 / (not pg_catalog.has_table_privilege('anon', 'publishing.comment_moderation', 'select'))::int;
select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'comments' and cmd = 'SELECT'
   and qual like '%article_visible_from%';

rollback;
