-- Deploy platform:rls/publishing/articles to pg
-- requires: schema/publishing/articles
-- requires: functions/core/auth_claims
--
-- Who sees and edits articles:
--   anonymous      published, not deleted, publish time passed (is_visible).
--   signed-in      the same, plus their own and co-authored articles;
--                  editors (and admins) see everything.
--   authors        create drafts (as themselves), edit their own and
--                  co-authored articles while draft or in review.
--   editors        edit any article; the guard trigger lets them publish,
--                  schedule, archive and feature.
-- No hard DELETE through the API: deleting is setting deleted_at.
-- One policy per command and role; helpers evaluated once per statement.

begin;

set local search_path = '';

-- SECURITY DEFINER so that the articles policy can ask about co-authorship
-- without going through article_authors' own policy (which asks articles:
-- that would recurse). `id in (select ...)` runs it once per statement.
-- The policy asks it whenever it meets a row that is neither visible nor the
-- caller's own (a draft or an archived article in the middle of a feed
-- page); as a SQL function the body was planned again on every statement
-- (about 100 µs), PL/pgSQL keeps the plan for the session (the reader's feed
-- page 15-20 % faster, bench.publishing).
create function publishing_private.coauthored_article_ids() returns setof bigint
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  return query
    select aa.article_id from publishing.article_authors aa where aa.user_id = auth.uid();
end
$$;
comment on function publishing_private.coauthored_article_ids() is
  'Ids of the articles the caller co-writes (for policies).';
revoke execute on function publishing_private.coauthored_article_ids() from public;
grant execute on function publishing_private.coauthored_article_ids() to authenticated;
select platform.declare_api_function('publishing', 'publishing_private.coauthored_article_ids()',
  array['authenticated'],
  'Policies on articles ask which articles the caller co-writes (definer: reads article_authors once).');

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

grant execute on function publishing.is_visible(publishing.articles) to anon, authenticated, platform_jobs;
select platform.declare_api_function('publishing', 'publishing.is_visible(publishing.articles)',
  array['anon', 'authenticated'],
  'THE visibility rule, inlined into the read policies of every caller.');
select platform.declare_lint_exception('publishing', 'invoker_search_path',
  'publishing.is_visible(publishing.articles)',
  'Inlined into every read policy: a SET clause stops inlining (10x slower reads) and a SQL-standard '
  'body on the articles row type forbids table rewrites; every name and operator in it is qualified.');

grant select on publishing.articles, publishing.article_authors, publishing.article_tags to anon, authenticated;
grant insert (title, slug, excerpt, content, cover_image_url, status, category_id, publish_at, featured, author_id)
  on publishing.articles to authenticated;
grant update (title, slug, excerpt, content, cover_image_url, status, category_id, publish_at, published_at,
              featured, version, deleted_at, author_id)
  on publishing.articles to authenticated;
grant insert, delete on publishing.article_authors, publishing.article_tags to authenticated;

create policy "anyone reads visible articles" on publishing.articles
  for select to anon
  using (publishing.is_visible(articles));

create policy "users read visible, own, co-authored or (editors) all articles" on publishing.articles
  for select to authenticated
  using (
    publishing.is_visible(articles)
    or author_id = (select auth.uid())
    or (select auth.has_privilege('editor'))
    or id in (select publishing_private.coauthored_article_ids())
  );

create policy "authors create their own drafts" on publishing.articles
  for insert to authenticated
  with check ((select auth.has_privilege('author')) and author_id = (select auth.uid()));

create policy "authors edit unpublished articles they write; editors edit all" on publishing.articles
  for update to authenticated
  using (
    (select auth.has_privilege('editor'))
    or ((select auth.has_privilege('author'))
        and status in ('draft', 'in_review') and deleted_at is null
        and (author_id = (select auth.uid())
             or id in (select publishing_private.coauthored_article_ids())))
  )
  with check (
    (select auth.has_privilege('editor'))
    or status in ('draft', 'in_review')
  );

-- Co-authors and tags: visible with their article; managed by whoever may edit it.
create policy "co-authors are visible with their article" on publishing.article_authors
  for select to anon, authenticated
  using (exists (select from publishing.articles a where a.id = article_id));
create policy "article editors add co-authors" on publishing.article_authors
  for insert to authenticated
  with check (exists (select from publishing.articles a
                       where a.id = article_id
                         and (a.author_id = (select auth.uid()) or (select auth.has_privilege('editor')))));
create policy "article editors remove co-authors" on publishing.article_authors
  for delete to authenticated
  using (exists (select from publishing.articles a
                  where a.id = article_id
                    and (a.author_id = (select auth.uid()) or (select auth.has_privilege('editor')))));

-- Tags are read from the tag row's copy of its article's visibility
-- (article_visible_from, schema/publishing/articles), not the article per tag:
-- anonymous callers see the tags of visible articles; signed-in ones those,
-- and the tags of unpublished articles they may read (editors: all; others:
-- the ones they write or co-write), asked as rls/publishing/comments asks it.
create policy "tags of visible articles are visible" on publishing.article_tags
  for select to anon
  using (article_visible_from <= now());

create policy "tags are visible with their article" on publishing.article_tags
  for select to authenticated
  using (article_visible_from <= now()
         or (select auth.has_privilege('editor'))
         or article_id = any ((select publishing_private.own_article_ids())::bigint[]));
create policy "article editors tag articles" on publishing.article_tags
  for insert to authenticated
  with check (exists (select from publishing.articles a
                       where a.id = article_id
                         and ((a.status in ('draft', 'in_review')
                               and (a.author_id = (select auth.uid())
                                    or a.id in (select publishing_private.coauthored_article_ids())))
                              or (select auth.has_privilege('editor')))));
create policy "article editors untag articles" on publishing.article_tags
  for delete to authenticated
  using (exists (select from publishing.articles a
                  where a.id = article_id
                    and ((a.status in ('draft', 'in_review')
                          and (a.author_id = (select auth.uid())
                               or a.id in (select publishing_private.coauthored_article_ids())))
                         or (select auth.has_privilege('editor')))));

commit;
