-- Deploy platform:rls/publishing/comments to pg
-- requires: schema/publishing/comments
-- requires: functions/core/auth_claims
--
--   anonymous    approved, undeleted comments of articles they can see.
--   signed-in    the same, plus their own comments; moderators see all.
--   any signed-in user comments on an article they can see (as pending);
--   authors of a comment edit its body or soft-delete it (deleted_at);
--   moderators change status (approve, flag, remove).
--   comment_moderation (IP, user agent, notes): moderators only.
-- The read policies ask the comment's copy of its article's visibility
-- (article_visible_from <= now(), schema/publishing/comments) instead of
-- looking the article up per comment. "Articles they may read although
-- unpublished" (editors: all; others: the ones they write or co-write) is
-- the articles select policy for signed-in callers; here it is asked of the
-- copy, with per-statement helpers (initplans, evaluated only for a row whose
-- article is not visible): a correlated look-up of the article per row cost
-- a reader 0.1 ms per article page in executor set-up alone. pgTAP (107)
-- holds the two to the same answers for anonymous callers, readers, authors,
-- co-authors and editors.

begin;

set local search_path = '';

grant select on publishing.comments to anon, authenticated;
grant insert (article_id, parent_id, body) on publishing.comments to authenticated;
grant update (body, status, deleted_at) on publishing.comments to authenticated;
grant select, update (moderator_note) on publishing.comment_moderation to authenticated;

create policy "anyone reads approved comments of visible articles" on publishing.comments
  for select to anon
  using (status = 'approved' and deleted_at is null and article_visible_from <= now());

create policy "users read approved comments, their own, or (moderators) all" on publishing.comments
  for select to authenticated
  using ((status = 'approved' and deleted_at is null
          and (article_visible_from <= now()
               or (select auth.has_privilege('editor'))
               or article_id = any ((select publishing_private.own_article_ids())::bigint[])))
         or author_id = (select auth.uid())
         or (select auth.has_privilege('moderator')));

create policy "users comment on articles they can see" on publishing.comments
  for insert to authenticated
  with check (author_id = (select auth.uid())
              and article_id in (select a.id from publishing.articles a where publishing.is_visible(a)));

create policy "authors edit their comments; moderators moderate" on publishing.comments
  for update to authenticated
  using (author_id = (select auth.uid()) or (select auth.has_privilege('moderator')))
  with check (author_id = (select auth.uid()) or (select auth.has_privilege('moderator')));

create policy "moderators read moderation details" on publishing.comment_moderation
  for select to authenticated using ((select auth.has_privilege('moderator')));
create policy "moderators write notes" on publishing.comment_moderation
  for update to authenticated using ((select auth.has_privilege('moderator')))
  with check ((select auth.has_privilege('moderator')));

commit;
