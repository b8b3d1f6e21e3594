-- Revert platform:functions/publishing_realtime from pg

begin;

select events.unregister_topic('publishing:review');
select events.unregister_topic('publishing:article:*');
select events.unregister_topic('publishing:articles');

-- Topics and describe functions as functions/publishing_events left them.
select events.enable('publishing.articles',
  array['publishing:articles', 'publishing:article:{id}', 'publishing:review'],
  'publishing_private.describe_article(text, jsonb, jsonb)', '{search}');
select events.enable('publishing.comments', array['publishing:article:{article_id}'],
  'publishing_private.describe_comment(text, jsonb, jsonb)');

create or replace function publishing_private.describe_article(op text, new jsonb, old jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  row_data jsonb := coalesce(new, old);
  visible boolean;
  audience jsonb;
  event_type text;
begin
  -- The one visibility rule, applied to the row as it now stands.
  visible := op <> 'delete'
    and publishing.is_visible(pg_catalog.jsonb_populate_record(null::publishing.articles, row_data));
  if visible then
    audience := '{"public": true}';
  else
    audience := pg_catalog.jsonb_build_object(
      'users', (select pg_catalog.jsonb_agg(u) from (
                  select row_data ->> 'author_id' as u
                  union
                  select aa.user_id::text from publishing.article_authors aa
                   where aa.article_id = (row_data ->> 'id')::bigint) authors),
      'privileges', '["editor"]'::jsonb);
  end if;
  event_type := case
    when op = 'insert' then 'article.created'
    when op = 'delete' then 'article.deleted'
    when new -> 'deleted_at' <> 'null'::jsonb and old -> 'deleted_at' = 'null'::jsonb then 'article.deleted'
    when new ->> 'status' is distinct from old ->> 'status' and new ->> 'status' = 'published' then 'article.published'
    when new ->> 'status' is distinct from old ->> 'status' and new ->> 'status' = 'archived' then 'article.archived'
    else 'article.updated' end;
  -- Counter-only changes (likes, views, comment counts) are not article events.
  if op = 'update' and (new - '{view_count,like_count,comment_count,updated_at}'::text[])
                     = (old - '{view_count,like_count,comment_count,updated_at}'::text[]) then
    return null;
  end if;
  return pg_catalog.jsonb_build_object('type', event_type, 'audience', audience);
end
$$;

create or replace function publishing_private.describe_comment(op text, new jsonb, old jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  row_data jsonb := coalesce(new, old);
  visible boolean;
begin
  visible := op <> 'delete'
    and row_data ->> 'status' = 'approved'
    and row_data -> 'deleted_at' = 'null'::jsonb
    and exists (select from publishing.articles a
                 where a.id = (row_data ->> 'article_id')::bigint and publishing.is_visible(a));
  return pg_catalog.jsonb_build_object(
    'type', case
      when op = 'insert' then 'comment.created'
      when op = 'delete' then 'comment.deleted'
      when new -> 'deleted_at' <> 'null'::jsonb and old -> 'deleted_at' = 'null'::jsonb then 'comment.deleted'
      when new ->> 'status' is distinct from old ->> 'status' then 'comment.moderated'
      else 'comment.updated' end,
    'audience', case when visible then '{"public": true}'::jsonb
                     else pg_catalog.jsonb_build_object('users', pg_catalog.jsonb_build_array(row_data ->> 'author_id'),
                                                        'privileges', '["moderator"]'::jsonb) end);
end
$$;

delete from events.replay_audiences where source in ('publishing.articles', 'publishing.comments');
drop function publishing_private.current_comment_audiences(text[]);
drop function publishing_private.current_article_audiences(text[]);
revoke usage on schema publishing_private from platform_jobs;
drop function publishing_private.comment_audience(jsonb, boolean);
drop function publishing_private.may_follow_review(text);
drop function publishing_private.may_follow_article(text);
drop function publishing_private.may_follow_articles(text);
drop function publishing_private.article_audience(publishing.articles, boolean);

commit;
