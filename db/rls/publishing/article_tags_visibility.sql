-- Deploy platform:rls/publishing/article_tags_visibility to pg
-- requires: rls/publishing/articles
-- requires: schema/publishing/tag_visibility
-- requires: rls/publishing/comments_visibility
--
-- An article's tags are visible with their article, as before, now read from
-- the tag row's copy of the article's visibility; one policy per role:
--   anonymous    tags of visible articles;
--   signed-in    those, and the tags of unpublished articles they may read
--                (editors: all; others: the ones they write or co-write),
--                asked as rls/publishing/comments_visibility asks it.

begin;

set local search_path = '';

drop policy "tags are visible with their article" on publishing.article_tags;

create policy "tags of visible articles are visible" on publishing.article_tags
  for select to anon
  using (article_visible_from <= now());

create policy "tags are visible with their article" on publishing.article_tags
  for select to authenticated
  using (article_visible_from <= now()
         or (select auth.has_privilege('editor'))
         or article_id = any ((select publishing_private.own_article_ids())::bigint[]));

commit;
