-- Deploy platform:rls/publishing/like_insert to pg
-- requires: schema/publishing/engagement
--
-- "Users like articles they can see", asked of the one article liked: the
-- uncorrelated `article_id in (select ... where publishing.is_visible(a))`
-- read every visible article per INSERT (see rls/publishing/comment_insert).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter policy "users like articles they can see" on publishing.article_likes
  with check (user_id = (select auth.uid())
              and exists (select from publishing.articles a
                           where a.id = article_likes.article_id and publishing.is_visible(a)));

commit;
