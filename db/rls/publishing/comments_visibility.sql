-- Deploy platform:rls/publishing/comments_visibility to pg
-- requires: rls/publishing/comments
-- requires: schema/publishing/comment_visibility
--
-- The comments read policies ask the comment's copy of its article's
-- visibility (article_visible_from <= now()) instead of looking the article
-- up per comment. Who sees what is unchanged:
--   anonymous    approved, undeleted comments of visible articles;
--   signed-in    the same, and those of articles they may read although
--                unpublished (editors: all; others: the ones they write or
--                co-write), their own comments; moderators see all.
-- "Articles they may read although unpublished" is the articles select policy
-- for signed-in callers; here it is asked of the copy, with per-statement
-- helpers (initplans, evaluated only for a row whose article is not visible):
-- a correlated look-up of the article per row cost a reader 0.1 ms per
-- article page in executor set-up alone. pgTAP (107) holds the two to the same
-- answers for anonymous callers, readers, authors, co-authors and editors.

begin;

set local search_path = '';

-- SECURITY DEFINER: reads articles and co-authors past their own policies.
create function publishing_private.own_article_ids() returns bigint[]
language sql stable
security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(own.id), '{}') from (
    select a.id from publishing.articles a where a.author_id = auth.uid()
    union
    select aa.article_id from publishing.article_authors aa where aa.user_id = auth.uid()) own
$$;
comment on function publishing_private.own_article_ids() is
  'Ids of the articles the caller writes or co-writes (for policies: once per statement).';
grant execute on function publishing_private.own_article_ids() to authenticated;
select platform.declare_api_function('publishing', 'publishing_private.own_article_ids()',
  array['authenticated'],
  'Comment policies ask, once per statement, which articles the caller writes (definer: one read).');

drop policy "anyone reads approved comments of visible articles" on publishing.comments;
drop policy "users read approved comments, their own, or (moderators) all" on publishing.comments;

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

commit;
