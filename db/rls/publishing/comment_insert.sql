-- Deploy platform:rls/publishing/comment_insert to pg
-- requires: rls/publishing/comments
--
-- "Users comment on articles they can see", asked of the one article the
-- comment is on. The policy said `article_id in (select a.id from
-- publishing.articles a where publishing.is_visible(a))`: PostgreSQL runs an
-- uncorrelated IN as a hashed subplan, built by reading every visible
-- article, once per INSERT statement. At 100,000 articles one comment cost
-- 108 ms of database CPU and the API took 15 comments/s (bench.peers, issue
-- 20). A correlated EXISTS looks the article up by its primary key.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter policy "users comment on articles they can see" on publishing.comments
  with check (author_id = (select auth.uid())
              and exists (select from publishing.articles a
                           where a.id = comments.article_id and publishing.is_visible(a)));

commit;
