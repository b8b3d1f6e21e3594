-- Deploy platform:schema/publishing/engagement to pg
-- requires: rls/publishing/articles
-- requires: functions/core/platform_errors
--
-- Likes: one per user per article, counted on the article by a trigger.
-- Views: recorded through POST /rpc/record_view {article_id} into
-- publishing_private.article_views, partitioned by month; partitions are
-- created ahead of time by publishing_private.ensure_view_partitions()
-- (here for the current month and three ahead, then by the scheduled job).
-- Raw views are not exposed: counts reach clients as articles.view_count and
-- through the analytics functions.

begin;

set local search_path = '';

create table publishing.article_likes (
  article_id bigint not null references publishing.articles (id) on delete cascade,
  user_id uuid not null default auth.uid() references publishing.profiles (user_id) on delete cascade,
  created_at timestamptz not null default pg_catalog.now(),
  primary key (article_id, user_id)
);
create index article_likes_user_id_idx on publishing.article_likes (user_id, created_at desc);
comment on table publishing.article_likes is 'One like per user per article: POST to like, DELETE to unlike.';

-- SECURITY DEFINER: like_count is the platform's to change.
create function publishing_private.count_likes() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update publishing.articles a
     set like_count = a.like_count + case when tg_op = 'INSERT' then 1 else -1 end
   where a.id = coalesce(new.article_id, old.article_id);
  return null;
end
$$;
create trigger article_likes_count after insert or delete on publishing.article_likes
  for each row execute function publishing_private.count_likes();

create table publishing_private.article_views (
  viewed_at timestamptz not null default pg_catalog.now(),
  article_id bigint not null,
  viewer_id uuid
) partition by range (viewed_at);
create index article_views_article_idx on publishing_private.article_views (article_id, viewed_at);
comment on table publishing_private.article_views is 'Article views, one partition per month.';

create function publishing_private.ensure_view_partitions(months_ahead integer default 3) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  month_start date := pg_catalog.date_trunc('month', pg_catalog.now())::date;
  created integer := 0;
  name text;
begin
  for i in 0 .. months_ahead loop
    name := 'article_views_' || pg_catalog.to_char(month_start + pg_catalog.make_interval(months => i), 'YYYY_MM');
    if pg_catalog.to_regclass('publishing_private.' || name) is null then
      execute pg_catalog.format(
        'create table publishing_private.%I partition of publishing_private.article_views '
        'for values from (%L) to (%L)',
        name, month_start + pg_catalog.make_interval(months => i),
        month_start + pg_catalog.make_interval(months => i + 1));
      execute pg_catalog.format('alter table publishing_private.%I enable row level security', name);
      created := created + 1;
    end if;
  end loop;
  return created;
end
$$;
comment on function publishing_private.ensure_view_partitions(integer) is
  'Create the monthly partitions of article_views for this month and the next months_ahead.';

select publishing_private.ensure_view_partitions(3);

-- SECURITY DEFINER: readers cannot write the views table or the counter. It
-- checks the one visibility rule itself (publishing.is_visible).
create function publishing.record_view(article_id bigint) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  update publishing.articles a set view_count = a.view_count + 1
   where a.id = record_view.article_id and publishing.is_visible(a);
  if not found then
    perform platform.raise_error(404, 'publishing.article_not_found',
      pg_catalog.format('article_id %s does not exist or is not published', article_id));
  end if;
  insert into publishing_private.article_views (article_id, viewer_id) values (article_id, auth.uid());
end
$$;
comment on function publishing.record_view(bigint) is 'Count a view of a visible article (POST /rpc/record_view).';

create table publishing.site_settings (
  key text primary key constraint site_settings_key_format check (key ~ '^[a-z][a-z0-9_.]{0,62}$'),
  value jsonb not null
    constraint site_settings_value_length check (pg_catalog.octet_length(value::text) <= 16384),
  updated_at timestamptz not null default pg_catalog.now(),
  updated_by uuid default auth.uid() references publishing.profiles (user_id) on delete set null
);
create index site_settings_updated_by_idx on publishing.site_settings (updated_by);
comment on table publishing.site_settings is 'Site settings (key -> jsonb): everyone reads, admins write.';

alter table publishing.article_likes enable row level security;
alter table publishing_private.article_views enable row level security;
alter table publishing.site_settings enable row level security;

grant select, delete on publishing.article_likes to authenticated;
grant insert (article_id) on publishing.article_likes to authenticated;
create policy "users see their own likes" on publishing.article_likes
  for select to authenticated using (user_id = (select auth.uid()));
create policy "users like articles they can see" on publishing.article_likes
  for insert to authenticated
  with check (user_id = (select auth.uid())
              and article_id in (select a.id from publishing.articles a where publishing.is_visible(a)));
create policy "users unlike" on publishing.article_likes
  for delete to authenticated using (user_id = (select auth.uid()));

grant select on publishing.site_settings to anon, authenticated;
grant insert, update, delete on publishing.site_settings to authenticated;
create policy "anyone reads site settings" on publishing.site_settings
  for select to anon, authenticated using (true);
create policy "admins add site settings" on publishing.site_settings
  for insert to authenticated with check ((select auth.has_privilege('admin')));
create policy "admins change site settings" on publishing.site_settings
  for update to authenticated using ((select auth.has_privilege('admin')))
  with check ((select auth.has_privilege('admin')));
create policy "admins remove site settings" on publishing.site_settings
  for delete to authenticated using ((select auth.has_privilege('admin')));

revoke execute on function publishing_private.ensure_view_partitions(integer) from public;
revoke execute on function publishing.record_view(bigint) from public;
grant execute on function publishing.record_view(bigint) to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing.record_view(bigint)',
  array['anon', 'authenticated'],
  'POST /rpc/record_view: any reader counts a view of a visible article (definer: the counters are private).');

commit;
