-- Verify platform:rls/publishing/comment_insert on pg

begin;

-- The check looks up the comment's own article (EXISTS), never every visible one (IN).
select 1 / (p.with_check like '%EXISTS%' and p.with_check not like '%article_id IN%')::int
  from pg_catalog.pg_policies p
 where p.schemaname = 'publishing' and p.tablename = 'comments'
   and p.policyname = 'users comment on articles they can see';

rollback;
