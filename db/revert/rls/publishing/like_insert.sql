-- Revert platform:rls/publishing/like_insert from pg

begin;

set local search_path = '';

alter policy "users like articles they can see" on publishing.article_likes
  with check (user_id = (select auth.uid())
              and article_id in (select a.id from publishing.articles a where publishing.is_visible(a)));

commit;
