-- Revert platform:rls/publishing/comment_insert from pg

begin;

set local search_path = '';

alter policy "users comment on articles they can see" on publishing.comments
  with check (author_id = (select auth.uid())
              and article_id in (select a.id from publishing.articles a where publishing.is_visible(a)));

commit;
