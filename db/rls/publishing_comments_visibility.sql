-- Deploy platform:rls/publishing_comments_visibility to pg
-- requires: rls/publishing_comments
-- requires: schema/publishing_comment_visibility
--
-- The comments read policies ask the comment's copy of its article's
-- visibility (article_visible_from <= now()) instead of looking the article
-- up per comment. Who sees what is unchanged:
--   anonymous    approved, undeleted comments of visible articles;
--   signed-in    the same, and those of articles they may read although
--                unpublished (their drafts; editors: all), their own
--                comments; moderators see all.

begin;

set local search_path = '';

drop policy "anyone reads approved comments of visible articles" on publishing.comments;
drop policy "users read approved comments, their own, or (moderators) all" on publishing.comments;

create policy "anyone reads approved comments of visible articles" on publishing.comments
  for select to anon
  using (status = 'approved' and deleted_at is null and article_visible_from <= now());

create policy "users read approved comments, their own, or (moderators) all" on publishing.comments
  for select to authenticated
  using ((status = 'approved' and deleted_at is null
          and (article_visible_from <= now()
               or exists (select from publishing.articles a where a.id = article_id)))
         or author_id = (select auth.uid())
         or (select auth.has_privilege('moderator')));

commit;
