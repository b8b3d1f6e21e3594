-- Revert platform:rls/publishing/comments_visibility from pg
--
-- The read policies of rls/publishing/comments, as they were.

begin;

select platform.forget_api_function('publishing_private.own_article_ids()');

set local search_path = '';

drop policy "anyone reads approved comments of visible articles" on publishing.comments;
drop policy "users read approved comments, their own, or (moderators) all" on publishing.comments;

create policy "anyone reads approved comments of visible articles" on publishing.comments
  for select to anon
  using (status = 'approved' and deleted_at is null
         and exists (select from publishing.articles a where a.id = article_id));

create policy "users read approved comments, their own, or (moderators) all" on publishing.comments
  for select to authenticated
  using ((status = 'approved' and deleted_at is null and exists (select from publishing.articles a where a.id = article_id))
         or author_id = (select auth.uid())
         or (select auth.has_privilege('moderator')));

drop function publishing_private.own_article_ids();

commit;
