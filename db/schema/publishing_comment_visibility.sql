-- Deploy platform:schema/publishing_comment_visibility to pg
-- requires: schema/publishing_comments
-- requires: functions/publishing_realtime
-- requires: functions/audit_derived_columns
--
-- Each comment carries a copy of its article's visibility,
-- article_visible_from: the article's published_at while it is published
-- and not deleted, else null. So "its article is visible" is
-- `article_visible_from <= now()`, read from the comment row itself: the
-- comments policies no longer look the article up once per comment (an
-- article page with 40 comments did 40 index probes of articles; measured
-- in bench/publishing.py, "article with embeds").
--   * publishing_private.visible_from(article) is the one definition; a
--     pgTAP test holds it to publishing.is_visible() for every state.
--   * A new comment copies it from its article (BEFORE INSERT), reading the
--     article FOR SHARE: a concurrent publish, archive or delete of that
--     article waits for the comment, or the comment for it, so the copy is
--     never stale (an AFTER UPDATE sees the committed comment, or the insert
--     sees the committed article).
--   * Changing an article's status, deleted_at or published_at rewrites the
--     copy on its comments (AFTER UPDATE, only when the value changes).
--   * The copy is derived: it is not a comment edit (updated_at unchanged),
--     not audited (audit derived column), not an event (excluded column).
-- Clients cannot write it: no column privilege.

begin;

set local search_path = '';

alter table publishing.comments add column article_visible_from timestamptz;
comment on column publishing.comments.article_visible_from is
  'Derived: the article''s published_at while it is published and not deleted, else null (kept by triggers).';

create function publishing_private.visible_from(article publishing.articles) returns timestamptz
language sql immutable parallel safe
set search_path = ''
as $$
  select case when article.status = 'published' and article.deleted_at is null then article.published_at end
$$;
comment on function publishing_private.visible_from(publishing.articles) is
  'When the article becomes visible (publishing.is_visible is visible_from <= now()); null if it is not published.';

-- The two trigger functions serve every table that copies its article's
-- visibility (columns article_id, article_visible_from): comments here,
-- article_tags in schema/publishing_tag_visibility.
-- SECURITY DEFINER: the writer may not see every column or state of the article.
create function publishing_private.copy_article_visibility() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select publishing_private.visible_from(a) into new.article_visible_from
    from publishing.articles a where a.id = new.article_id
     for share;
  return new;
end
$$;
comment on function publishing_private.copy_article_visibility() is
  'BEFORE INSERT: copy the article''s visible_from onto the new row (article_id, article_visible_from).';
create trigger comments_article_visibility before insert on publishing.comments
  for each row execute function publishing_private.copy_article_visibility();

-- SECURITY DEFINER: the article's editor may not be allowed to update its comments.
-- Argument: the copying table.
create function publishing_private.sync_article_visibility() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  execute pg_catalog.format(
    'update %s t set article_visible_from = $1 where t.article_id = $2 and t.article_visible_from is distinct from $1',
    tg_argv[0]::regclass)
    using publishing_private.visible_from(new), new.id;
  return null;
end
$$;
comment on function publishing_private.sync_article_visibility() is
  'AFTER UPDATE of an article: rewrite the copy of its visible_from on the rows of the table named by the argument.';
create trigger articles_comment_visibility after update of status, deleted_at, published_at on publishing.articles
  for each row
  when (publishing_private.visible_from(old) is distinct from publishing_private.visible_from(new))
  execute function publishing_private.sync_article_visibility('publishing.comments');

-- The trigger's WHEN clause runs as whoever updates the article.
grant execute on function publishing_private.visible_from(publishing.articles) to anon, authenticated, platform_jobs;

create or replace function publishing_private.guard_comment() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  trusted boolean := current_user not in ('anon', 'authenticated');
  moderator boolean := auth.has_privilege('moderator');
  parent publishing.comments;
begin
  -- The platform's copy of the article's visibility (sync_article_visibility)
  -- is not an edit of the comment: no new updated_at, no checks.
  if tg_op = 'UPDATE' and (pg_catalog.to_jsonb(new) - 'article_visible_from')
                        = (pg_catalog.to_jsonb(old) - 'article_visible_from') then
    return new;
  end if;
  new.updated_at := pg_catalog.now();
  if tg_op = 'INSERT' then
    if new.parent_id is not null then
      select * into parent from publishing.comments c where c.id = new.parent_id;
      if parent.id is null or parent.article_id <> new.article_id then
        perform platform.raise_error(422, 'publishing.invalid_parent',
          'parent_id must be a comment of the same article');
      end if;
      if parent.depth >= 4 then
        perform platform.raise_error(422, 'publishing.comment_too_deep',
          'parent_id: replies nest at most 5 levels', null, 'reply to a comment higher in the thread');
      end if;
      new.depth := parent.depth + 1;
    else
      new.depth := 0;
    end if;
    if not trusted then
      new.status := 'pending'; new.moderated_by := null; new.moderated_at := null;
      new.deleted_at := null; new.created_at := pg_catalog.now();
    end if;
    return new;
  end if;
  if new.article_id is distinct from old.article_id or new.parent_id is distinct from old.parent_id
     or new.depth is distinct from old.depth or new.author_id is distinct from old.author_id then
    perform platform.raise_error(403, 'publishing.forbidden_change',
      'article_id, parent_id and author_id of a comment cannot change');
  end if;
  if not trusted then
    if new.status is distinct from old.status then
      if not moderator then
        perform platform.raise_error(403, 'publishing.forbidden_change', 'status: only moderators moderate comments');
      end if;
      new.moderated_by := auth.uid();
      new.moderated_at := pg_catalog.now();
    end if;
    if new.body is distinct from old.body and old.author_id is distinct from auth.uid() then
      perform platform.raise_error(403, 'publishing.forbidden_change', 'body: only its author edits a comment');
    end if;
  end if;
  return new;
end
$$;

create or replace function publishing_private.describe_comment(op text, new jsonb, old jsonb) returns jsonb
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

select audit.enable('publishing.comments', '{}', '{article_visible_from}');
select events.enable('publishing.comments', array['publishing:article:{article_id}', 'user:{author_id}'],
  'publishing_private.describe_comment(text, jsonb, jsonb)', '{article_visible_from}');

-- The backfill is derived data: no audit rows, events or edit times for it.
alter table publishing.comments disable trigger comments_guard;
alter table publishing.comments disable trigger audit_row;
alter table publishing.comments disable trigger events_capture;
update publishing.comments c set article_visible_from = publishing_private.visible_from(a)
  from publishing.articles a
 where a.id = c.article_id and publishing_private.visible_from(a) is not null;
alter table publishing.comments enable trigger comments_guard;
alter table publishing.comments enable trigger audit_row;
alter table publishing.comments enable trigger events_capture;

commit;
