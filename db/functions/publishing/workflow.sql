-- Deploy platform:functions/publishing/workflow to pg
-- requires: schema/publishing/revisions
-- requires: functions/core/platform_errors
--
-- The editorial workflow as RPCs (Content-Profile: publishing). They run as
-- the caller: row-level security and the guard trigger decide, so each rule
-- lives once. They answer the updated article.
--   POST /rpc/submit_for_review {article_id}            authors
--   POST /rpc/publish_article   {article_id}            editors: now
--   POST /rpc/schedule_article  {article_id, publish_at} editors: later
--   POST /rpc/archive_article   {article_id}            editors
--   POST /rpc/restore_revision  {revision_id}           whoever may edit it
-- publishing.publish_due_articles() is the scheduled job that publishes
-- articles whose time has come, so their events fire with nobody asking.

begin;

set local search_path = '';

create function publishing_private.updated_or_fail(article publishing.articles, article_id bigint)
returns publishing.articles
language plpgsql stable
set search_path = ''
as $$
begin
  if article.id is null then
    perform platform.raise_error(404, 'publishing.article_not_found',
      pg_catalog.format('article_id %s does not exist or you may not change it', article_id));
  end if;
  return article;
end
$$;

create function publishing.submit_for_review(article_id bigint) returns publishing.articles
language plpgsql volatile
set search_path = ''
as $$
declare
  result publishing.articles;
begin
  update publishing.articles a set status = 'in_review'
   where a.id = submit_for_review.article_id and a.status = 'draft'
  returning a.* into result;
  return publishing_private.updated_or_fail(result, article_id);
end
$$;

create function publishing.publish_article(article_id bigint) returns publishing.articles
language plpgsql volatile
set search_path = ''
as $$
declare
  result publishing.articles;
begin
  if not auth.has_privilege('editor') then
    perform platform.raise_error(403, 'publishing.editors_only', 'only editors publish articles');
  end if;
  update publishing.articles a
     set status = 'published', published_at = pg_catalog.now(), publish_at = null
   where a.id = publish_article.article_id and a.status <> 'published' and a.deleted_at is null
  returning a.* into result;
  return publishing_private.updated_or_fail(result, article_id);
end
$$;

create function publishing.schedule_article(article_id bigint, publish_at timestamptz)
returns publishing.articles
language plpgsql volatile
set search_path = ''
as $$
declare
  result publishing.articles;
begin
  if not auth.has_privilege('editor') then
    perform platform.raise_error(403, 'publishing.editors_only', 'only editors schedule articles');
  end if;
  if publish_at is null or publish_at <= pg_catalog.now() then
    perform platform.raise_error(422, 'publishing.invalid_schedule', 'publish_at must be in the future',
      null, 'use publish_article to publish now');
  end if;
  update publishing.articles a
     set publish_at = schedule_article.publish_at,
         status = case when a.status = 'draft' then 'in_review' else a.status end
   where a.id = schedule_article.article_id and a.status in ('draft', 'in_review') and a.deleted_at is null
  returning a.* into result;
  return publishing_private.updated_or_fail(result, article_id);
end
$$;

create function publishing.archive_article(article_id bigint) returns publishing.articles
language plpgsql volatile
set search_path = ''
as $$
declare
  result publishing.articles;
begin
  if not auth.has_privilege('editor') then
    perform platform.raise_error(403, 'publishing.editors_only', 'only editors archive articles');
  end if;
  update publishing.articles a set status = 'archived'
   where a.id = archive_article.article_id and a.status <> 'archived'
  returning a.* into result;
  return publishing_private.updated_or_fail(result, article_id);
end
$$;

create function publishing.restore_revision(revision_id bigint) returns publishing.articles
language plpgsql volatile
set search_path = ''
as $$
declare
  rev publishing.article_revisions;
  result publishing.articles;
begin
  select * into rev from publishing.article_revisions r where r.id = restore_revision.revision_id;
  if rev.id is null then
    perform platform.raise_error(404, 'publishing.revision_not_found',
      pg_catalog.format('revision_id %s does not exist or is not yours to see', revision_id));
  end if;
  update publishing.articles a
     set title = rev.title, excerpt = rev.excerpt, content = rev.content
   where a.id = rev.article_id
  returning a.* into result;
  return publishing_private.updated_or_fail(result, rev.article_id);
end
$$;

-- The scheduled job (runs as the owner through platform.run_due_jobs).
create function publishing.publish_due_articles() returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  published integer;
begin
  update publishing.articles a
     set status = 'published', published_at = a.publish_at, publish_at = null
   where a.publish_at <= pg_catalog.now() and a.status in ('draft', 'in_review') and a.deleted_at is null;
  get diagnostics published = row_count;
  return published;
end
$$;
comment on function publishing.publish_due_articles() is 'Scheduled job: publish articles whose publish_at has come.';

revoke execute on function publishing.publish_due_articles() from public;
grant execute on function publishing_private.updated_or_fail(publishing.articles, bigint) to authenticated;
grant execute on function publishing.submit_for_review(bigint) to authenticated;
grant execute on function publishing.publish_article(bigint) to authenticated;
grant execute on function publishing.schedule_article(bigint, timestamptz) to authenticated;
grant execute on function publishing.archive_article(bigint) to authenticated;
grant execute on function publishing.restore_revision(bigint) to authenticated;
select platform.declare_api_function('publishing', 'publishing_private.updated_or_fail(publishing.articles, bigint)',
  array['authenticated'],
  'The workflow functions check, as the caller, that their update reached a row the caller may change.');
select platform.declare_api_function('publishing', 'publishing.submit_for_review(bigint)',
  array['authenticated'],
  'POST /rpc/submit_for_review: an author submits a draft (policies decide, as the caller).');
select platform.declare_api_function('publishing', 'publishing.publish_article(bigint)',
  array['authenticated'],
  'POST /rpc/publish_article: an editor publishes (policies decide, as the caller).');
select platform.declare_api_function('publishing', 'publishing.schedule_article(bigint, timestamptz)',
  array['authenticated'],
  'POST /rpc/schedule_article: an editor schedules (policies decide, as the caller).');
select platform.declare_api_function('publishing', 'publishing.archive_article(bigint)',
  array['authenticated'],
  'POST /rpc/archive_article: an author or editor archives (policies decide, as the caller).');
select platform.declare_api_function('publishing', 'publishing.restore_revision(bigint)',
  array['authenticated'],
  'POST /rpc/restore_revision: an author restores an earlier text (policies decide, as the caller).');

commit;
