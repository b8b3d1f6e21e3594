-- Verify platform:rls/publishing/like_insert on pg

begin;

-- The check looks up the liked article (EXISTS), never every visible one (IN).
select 1 / (p.with_check like '%EXISTS%' and p.with_check not like '%article_id IN%')::int
  from pg_catalog.pg_policies p
 where p.schemaname = 'publishing' and p.tablename = 'article_likes'
   and p.policyname = 'users like articles they can see';

rollback;
