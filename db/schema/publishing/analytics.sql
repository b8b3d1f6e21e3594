-- Deploy platform:schema/publishing/analytics to pg
-- requires: functions/publishing/events
--
-- Analytics from materialized views in publishing_private (never exposed),
-- refreshed CONCURRENTLY (readers are never blocked) by the scheduled job
-- publishing_private.refresh_analytics():
--   article_stats  per article: views, likes, approved comments
--   daily_stats    per day: views, likes, comments, articles published
-- Exposed through functions that check the caller:
--   GET /rpc/top_articles?since=...&lim=10          editors
--   GET /rpc/daily_totals?from_day=...&to_day=...   editors
--   GET /rpc/article_stats?article_id=...           the article's authors and editors

begin;

set local search_path = '';

create materialized view publishing_private.article_stats as
  select a.id as article_id,
         coalesce(v.views, 0) as views,
         coalesce(l.likes, 0) as likes,
         coalesce(c.comments, 0) as comments
    from publishing.articles a
    left join (select article_id, pg_catalog.count(*) as views from publishing_private.article_views group by 1) v
      on v.article_id = a.id
    left join (select article_id, pg_catalog.count(*) as likes from publishing.article_likes group by 1) l
      on l.article_id = a.id
    left join (select article_id, pg_catalog.count(*) as comments from publishing.comments
                where status = 'approved' and deleted_at is null group by 1) c
      on c.article_id = a.id
with no data;
create unique index article_stats_article_id_idx on publishing_private.article_stats (article_id);
create index article_stats_views_idx on publishing_private.article_stats (views desc);

create materialized view publishing_private.daily_stats as
  with days as (
    select (viewed_at at time zone 'UTC')::date as day, pg_catalog.count(*) as views, 0::bigint as likes,
           0::bigint as comments, 0::bigint as published
      from publishing_private.article_views group by 1
    union all
    select (created_at at time zone 'UTC')::date, 0, pg_catalog.count(*), 0, 0 from publishing.article_likes group by 1
    union all
    select (created_at at time zone 'UTC')::date, 0, 0, pg_catalog.count(*), 0 from publishing.comments
     where deleted_at is null group by 1
    union all
    select (published_at at time zone 'UTC')::date, 0, 0, 0, pg_catalog.count(*) from publishing.articles
     where status = 'published' and deleted_at is null group by 1
  )
  select day, pg_catalog.sum(views)::bigint as views, pg_catalog.sum(likes)::bigint as likes,
         pg_catalog.sum(comments)::bigint as comments, pg_catalog.sum(published)::bigint as published
    from days group by day
with no data;
create unique index daily_stats_day_idx on publishing_private.daily_stats (day);

refresh materialized view publishing_private.article_stats;
refresh materialized view publishing_private.daily_stats;

create function publishing_private.refresh_analytics() returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  refresh materialized view concurrently publishing_private.article_stats;
  refresh materialized view concurrently publishing_private.daily_stats;
end
$$;
comment on function publishing_private.refresh_analytics() is 'Scheduled job: refresh the analytics views concurrently.';

-- SECURITY DEFINER: the views are the owner's; each function checks the caller.
create function publishing.top_articles(since timestamptz default pg_catalog.now() - interval '30 days', lim integer default 10)
returns table (article_id bigint, title text, slug text, published_at timestamptz, views bigint, likes bigint, comments bigint)
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  if not auth.has_privilege('editor') then
    perform platform.raise_error(403, 'publishing.editors_only', 'only editors see analytics');
  end if;
  if lim is null or lim not between 1 and 100 then
    perform platform.raise_error(422, 'publishing.invalid_limit', 'lim must be between 1 and 100');
  end if;
  return query
    select a.id, a.title, a.slug, a.published_at, s.views, s.likes, s.comments
      from publishing_private.article_stats s
      join publishing.articles a on a.id = s.article_id
     where a.published_at >= since and a.deleted_at is null
     order by s.views desc, s.likes desc, a.id
     limit lim;
end
$$;

create function publishing.daily_totals(from_day date default (pg_catalog.now() - interval '30 days')::date,
                                        to_day date default pg_catalog.now()::date)
returns table (day date, views bigint, likes bigint, comments bigint, published bigint)
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  if not auth.has_privilege('editor') then
    perform platform.raise_error(403, 'publishing.editors_only', 'only editors see analytics');
  end if;
  return query
    select d.day, d.views, d.likes, d.comments, d.published
      from publishing_private.daily_stats d
     where d.day between from_day and to_day
     order by d.day;
end
$$;

create function publishing.article_stats(article_id bigint)
returns table (views bigint, likes bigint, comments bigint)
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  if not (auth.has_privilege('editor') or exists (
            select from publishing.articles a
             where a.id = article_stats.article_id
               and (a.author_id = auth.uid()
                    or exists (select from publishing.article_authors aa
                                where aa.article_id = a.id and aa.user_id = auth.uid())))) then
    perform platform.raise_error(403, 'publishing.forbidden', 'article_id: only its authors and editors see its analytics');
  end if;
  return query select s.views, s.likes, s.comments from publishing_private.article_stats s
                where s.article_id = article_stats.article_id;
end
$$;

revoke execute on function publishing_private.refresh_analytics() from public;
revoke execute on function publishing.top_articles(timestamptz, integer) from public;
revoke execute on function publishing.daily_totals(date, date) from public;
revoke execute on function publishing.article_stats(bigint) from public;
grant execute on function publishing.top_articles(timestamptz, integer) to authenticated;
grant execute on function publishing.daily_totals(date, date) to authenticated;
grant execute on function publishing.article_stats(bigint) to authenticated;
select platform.declare_api_function('publishing', 'publishing.top_articles(timestamptz, integer)',
  array['authenticated'],
  'GET /rpc/top_articles for editors and authors; checks the privilege itself (definer: reads the analytics views).');
select platform.declare_api_function('publishing', 'publishing.daily_totals(date, date)',
  array['authenticated'],
  'GET /rpc/daily_totals for editors and authors; checks the privilege itself (definer: reads the analytics views).');
select platform.declare_api_function('publishing', 'publishing.article_stats(bigint)',
  array['authenticated'],
  'GET /rpc/article_stats for an article''s authors and editors; checks it itself (definer).');

commit;
