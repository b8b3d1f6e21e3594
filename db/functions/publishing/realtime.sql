-- Deploy platform:functions/publishing/realtime to pg
-- requires: schema/publishing/comments
-- requires: functions/core/events_delivery
--
-- The publishing module's change events, their audiences and its realtime
-- topics (events.enable, audiences decided here, next to the policies and by
-- the same rule):
--   articles  topics publishing:articles, publishing:article:<id>,
--             publishing:review, user:<author_id>; types article.created /
--             updated / published / archived / deleted. Counter-only changes
--             (likes, views, comment counts) are not article events.
--   comments  topics publishing:article:<article_id>, user:<author_id>; types
--             comment.created / updated / moderated / deleted. The derived
--             copy of the article's visibility is excluded: a change to it
--             alone is no event.
--
-- Topics (registered in events.topics, authorized as the caller, so the
-- policies of publishing.articles answer):
--   publishing:articles        every article change the caller may see; anyone.
--   publishing:article:<id>    one article and its comments; whoever can read
--                              that article right now.
--   publishing:review          every article change, for the editors' queue;
--                              editors and admins only.
--   user:<id>                  (platform topic) changes to the articles and
--                              comments that user wrote; that user only.
--
-- Audiences, written once here and used by both describe functions, mirror
-- the select policies (rls/publishing/articles, rls/publishing/comments):
--   article   visible (publishing.is_visible): everyone; otherwise its
--             author, co-authors and editors.
--   comment   its author and moderators; when approved and not deleted, also
--             everyone who may read its article (the article's audience).
--
-- Withdrawals: a change that leaves readers out of a row's audience (an
-- article archived, unpublished or deleted; a comment rejected or deleted)
-- also writes `article.withdrawn` / `comment.withdrawn` to the old audience,
-- carrying only the id (events.withdrawn, events.write_event). A delete
-- withdraws from everyone who could read the row. Replays re-check each row's
-- current audience (events.replay): the tables register the functions below.

begin;

set local search_path = '';

create function publishing_private.article_audience(article publishing.articles, gone boolean) returns jsonb
language sql stable
set search_path = ''
as $$
  select case
    when not gone and publishing.is_visible(article) then '{"public": true}'::jsonb
    else pg_catalog.jsonb_build_object(
      'users', (select pg_catalog.jsonb_agg(distinct u) from (
                  select article.author_id as u
                  union all
                  select aa.user_id from publishing.article_authors aa where aa.article_id = article.id) authors
                 where u is not null),
      'privileges', '["editor"]'::jsonb)
  end
$$;
comment on function publishing_private.article_audience(publishing.articles, boolean) is
  'Who may read an article, as an event audience (mirrors the articles select policies).';

create function publishing_private.comment_audience(comment jsonb, gone boolean) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  readers jsonb := '{}'::jsonb;
  article publishing.articles;
begin
  if not gone and comment ->> 'status' = 'approved' and comment -> 'deleted_at' = 'null'::jsonb then
    select a.* into article from publishing.articles a where a.id = (comment ->> 'article_id')::bigint;
    if article.id is not null then
      readers := publishing_private.article_audience(article, false);
    end if;
  end if;
  return case when readers ? 'public' then readers
              else pg_catalog.jsonb_build_object(
                'users', coalesce(readers -> 'users', '[]'::jsonb)
                         || pg_catalog.jsonb_build_array(comment ->> 'author_id'),
                'privileges', coalesce(readers -> 'privileges', '[]'::jsonb) || '["moderator"]'::jsonb) end;
end
$$;
comment on function publishing_private.comment_audience(jsonb, boolean) is
  'Who may read a comment (a row as jsonb), as an event audience (mirrors the comments select policies).';

-- What a replay re-checks (events.replay): who may see these rows now; a gone row has
-- no line. One call per replayed batch. SECURITY DEFINER: the gateway's platform_jobs
-- role cannot read these tables.
create function publishing_private.current_article_audiences(ids text[])
returns table (id text, audience jsonb)
language sql stable
security definer
set search_path = ''
as $$
  select a.id::text, publishing_private.article_audience(a, false)
    from publishing.articles a where a.id = any (ids::bigint[])
$$;
create function publishing_private.current_comment_audiences(ids text[])
returns table (id text, audience jsonb)
language sql stable
security definer
set search_path = ''
as $$
  select c.id::text, publishing_private.comment_audience(pg_catalog.to_jsonb(c), false)
    from publishing.comments c where c.id = any (ids::bigint[])
$$;
revoke execute on function publishing_private.current_article_audiences(text[]),
  publishing_private.current_comment_audiences(text[]) from public;
grant usage on schema publishing_private to platform_jobs;
grant execute on function publishing_private.current_article_audiences(text[]),
  publishing_private.current_comment_audiences(text[]) to platform_jobs;

create function publishing_private.describe_article(op text, new jsonb, old jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  row_data jsonb := coalesce(new, old);
  event_type text;
  audience jsonb;
begin
  -- Counter-only changes (likes, views, comment counts) are not article events.
  if op = 'update' and (new - '{view_count,like_count,comment_count,updated_at}'::text[])
                     = (old - '{view_count,like_count,comment_count,updated_at}'::text[]) then
    return null;
  end if;
  event_type := case
    when op = 'insert' then 'article.created'
    when op = 'delete' then 'article.deleted'
    when new -> 'deleted_at' <> 'null'::jsonb and old -> 'deleted_at' = 'null'::jsonb then 'article.deleted'
    when new ->> 'status' is distinct from old ->> 'status' and new ->> 'status' = 'published' then 'article.published'
    when new ->> 'status' is distinct from old ->> 'status' and new ->> 'status' = 'archived' then 'article.archived'
    else 'article.updated' end;
  audience := publishing_private.article_audience(
    pg_catalog.jsonb_populate_record(null::publishing.articles, row_data), op = 'delete');
  return pg_catalog.jsonb_build_object(
    'type', event_type,
    'audience', audience,
    'withdrawn', case when old is not null then events.withdrawn('article.withdrawn',
      publishing_private.article_audience(pg_catalog.jsonb_populate_record(null::publishing.articles, old), false),
      case when op = 'delete' then '{}'::jsonb else audience end) end);
end
$$;

create function publishing_private.describe_comment(op text, new jsonb, old jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  row_data jsonb := coalesce(new, old);
  audience jsonb := publishing_private.comment_audience(row_data, op = 'delete');
begin
  -- Only the derived article_visible_from changed (excluded from the rows): no event.
  if op = 'update' and new = old then
    return null;
  end if;
  return pg_catalog.jsonb_build_object(
    'type', case
      when op = 'insert' then 'comment.created'
      when op = 'delete' then 'comment.deleted'
      when new -> 'deleted_at' <> 'null'::jsonb and old -> 'deleted_at' = 'null'::jsonb then 'comment.deleted'
      when new ->> 'status' is distinct from old ->> 'status' then 'comment.moderated'
      else 'comment.updated' end,
    'audience', audience,
    'withdrawn', case when old is not null then events.withdrawn('comment.withdrawn',
      publishing_private.comment_audience(old, false),
      case when op = 'delete' then '{}'::jsonb else audience end) end);
end
$$;

create function publishing_private.may_follow_articles(arg text) returns boolean
language sql stable
set search_path = ''
as $$ select arg is null $$;

create function publishing_private.may_follow_article(arg text) returns boolean
language sql stable
set search_path = ''
as $$
  -- As the caller: the articles policies decide.
  select arg ~ '^[0-9]{1,18}$' and exists (select from publishing.articles a where a.id = arg::bigint)
$$;

create function publishing_private.may_follow_review(arg text) returns boolean
language sql stable
set search_path = ''
as $$ select arg is null and (select auth.has_privilege('editor')) $$;

grant execute on function publishing_private.may_follow_articles(text),
  publishing_private.may_follow_article(text), publishing_private.may_follow_review(text)
  to anon, authenticated;

select platform.declare_api_function('publishing', 'publishing_private.may_follow_articles(text)',
  array['anon', 'authenticated'],
  'Authorizer of publishing:articles, run as the subscriber by events.authorize_subscription.');
select platform.declare_api_function('publishing', 'publishing_private.may_follow_article(text)',
  array['anon', 'authenticated'],
  'Authorizer of publishing:article:*, run as the subscriber (the articles'' policies decide).');
select platform.declare_api_function('publishing', 'publishing_private.may_follow_review(text)',
  array['anon', 'authenticated'],
  'Authorizer of publishing:review, run as the subscriber (editors only).');

select events.enable('publishing.articles',
  array['publishing:articles', 'publishing:article:{id}', 'publishing:review', 'user:{author_id}'],
  'publishing_private.describe_article(text, jsonb, jsonb)', '{search}');
select events.enable('publishing.comments', array['publishing:article:{article_id}', 'user:{author_id}'],
  'publishing_private.describe_comment(text, jsonb, jsonb)', '{article_visible_from}');

select events.register_replay_audience('publishing.articles',
  'publishing_private.current_article_audiences(text[])');
select events.register_replay_audience('publishing.comments',
  'publishing_private.current_comment_audiences(text[])');

select events.register_topic('publishing:articles', 'publishing_private.may_follow_articles(text)',
  'Every article change the caller may see.');
select events.register_topic('publishing:article:*', 'publishing_private.may_follow_article(text)',
  'One article and its comments; for whoever can read that article.');
select events.register_topic('publishing:review', 'publishing_private.may_follow_review(text)',
  'Every article change, for the editors'' review queue; editors and admins only.');

commit;
