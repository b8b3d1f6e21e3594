-- Deploy platform:functions/publishing/moderation to pg
-- requires: rls/publishing/comments
--
-- POST /rpc/moderate_comment {comment_id, status, note}: moderators approve,
-- flag or remove a comment and optionally leave a note, in one call. Runs as
-- the caller: the policies and the guard trigger decide.

begin;

set local search_path = '';

create function publishing.moderate_comment(comment_id bigint, status text, note text default null)
returns publishing.comments
language plpgsql volatile
set search_path = ''
as $$
declare
  result publishing.comments;
begin
  if not auth.has_privilege('moderator') then
    perform platform.raise_error(403, 'publishing.moderators_only', 'only moderators moderate comments');
  end if;
  if status is null or status not in ('pending', 'approved', 'flagged', 'removed') then
    perform platform.raise_error(422, 'publishing.invalid_status',
      'status must be one of pending, approved, flagged, removed');
  end if;
  update publishing.comments c set status = moderate_comment.status
   where c.id = moderate_comment.comment_id
  returning c.* into result;
  if result.id is null then
    perform platform.raise_error(404, 'publishing.comment_not_found',
      pg_catalog.format('comment_id %s does not exist', comment_id));
  end if;
  if note is not null then
    update publishing.comment_moderation m set moderator_note = note where m.comment_id = result.id;
  end if;
  return result;
end
$$;
comment on function publishing.moderate_comment(bigint, text, text) is
  'Moderators: set a comment''s status (approved, flagged, removed) with an optional note.';

revoke execute on function publishing.moderate_comment(bigint, text, text) from public;
grant execute on function publishing.moderate_comment(bigint, text, text) to authenticated;
select platform.declare_api_function('publishing', 'publishing.moderate_comment(bigint, text, text)',
  array['authenticated'],
  'POST /rpc/moderate_comment: a moderator decides on a comment (policies decide, as the caller).');

commit;
