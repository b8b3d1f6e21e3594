-- Revert platform:schema/publishing_comment_visibility from pg
--
-- Comments back to schema/publishing_comments and functions/publishing_realtime:
-- guard, event description and audit trigger as they were; no copy of the
-- article's visibility.

begin;

set local search_path = '';

drop trigger articles_comment_visibility on publishing.articles;
drop trigger comments_article_visibility on publishing.comments;
drop function publishing_private.sync_article_visibility();
drop function publishing_private.copy_article_visibility();

create or replace trigger audit_row after insert or update or delete on publishing.comments
  for each row execute function audit.capture('{id}', '{}');
select events.enable('publishing.comments', array['publishing:article:{article_id}', 'user:{author_id}'],
  'publishing_private.describe_comment(text, jsonb, jsonb)');

create or replace function publishing_private.guard_comment() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  trusted boolean := current_user not in ('anon', 'authenticated');
  moderator boolean := auth.has_privilege('moderator');
  parent publishing.comments;
begin
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

drop function publishing_private.visible_from(publishing.articles);
alter table publishing.comments drop column article_visible_from;

commit;
