-- Deploy platform:functions/journal/trash to pg
-- requires: rls/journal/entries
-- requires: schema/journal/trash_retention
-- requires: functions/journal/events
-- requires: functions/core/platform_errors
-- requires: functions/core/platform_jobs
--
-- The trash: the caller's deleted entries, restored or purged by their owner,
-- purged by the job journal.purge_trash once deleted longer than
-- journal_private.settings.trash_retention (default 30 days).
--   * GET /trash (Accept-Profile: journal): a security_invoker view over
--     journal.entries, so the entries' policies decide (deleted entries are
--     readable by their owner only); newest deletion first. No text beyond
--     the title (the owner's own).
--   * POST /rpc/restore_entry {entry_id}, /rpc/purge_entry {entry_id}: run as the
--     caller (SECURITY INVOKER): the policies decide again. Someone else's entry
--     and an id that does not exist get the same 404 journal.entry_not_found; an
--     entry that is not in the trash is 409 journal.not_in_trash.
--   * A purge is a DELETE: the audit trigger writes its row (operation delete,
--     the row's id, owner and dates, never the title or content).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create view journal.trash with (security_invoker = true) as
  select e.id, e.owner_id, e.title, e.entry_date, e.is_public, e.sealed, e.word_count,
         e.version, e.deleted_at, e.created_at, e.updated_at
    from journal.entries e
   where e.deleted_at is not null and e.owner_id = (select auth.uid())
   order by e.deleted_at desc, e.id;
comment on view journal.trash is
  'The caller''s deleted entries, newest deletion first; restore with /rpc/restore_entry, purge with /rpc/purge_entry.';
grant select on journal.trash to anon, authenticated;

-- The caller's own entry in the trash, locked for the change: 404
-- journal.entry_not_found for anything else of anyone's (as for an id that does not
-- exist), 409 journal.not_in_trash for a live entry of theirs. Runs as the caller.
create function journal_private.lock_trashed_entry(entry_id uuid, not_in_trash text, hint text default null)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  found_deleted_at timestamptz;
  found boolean := false;
begin
  select true, e.deleted_at into found, found_deleted_at
    from journal.entries e
   where e.id = lock_trashed_entry.entry_id and e.owner_id = (select auth.uid())
     for update;
  if not coalesce(found, false) then
    perform platform.raise_error(404, 'journal.entry_not_found', 'entry_id: no such entry of yours',
      '{"field": "entry_id"}');
  end if;
  if found_deleted_at is null then
    perform platform.raise_error(409, 'journal.not_in_trash', 'entry_id: ' || not_in_trash,
      '{"field": "entry_id"}', hint);
  end if;
end
$$;
revoke execute on function journal_private.lock_trashed_entry(uuid, text, text) from public;
grant execute on function journal_private.lock_trashed_entry(uuid, text, text) to authenticated;
select platform.declare_api_function('journal', 'journal_private.lock_trashed_entry(uuid, text, text)',
  array['authenticated'], 'SECURITY INVOKER: restore_entry and purge_entry find the caller''s trashed entry under the policies.');

create function journal.restore_entry(entry_id uuid) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  result jsonb;
begin
  perform journal_private.lock_trashed_entry(restore_entry.entry_id, 'the entry is not in the trash');
  update journal.entries e set deleted_at = null
   where e.id = restore_entry.entry_id
  returning pg_catalog.jsonb_build_object('id', e.id, 'version', e.version, 'deleted_at', e.deleted_at)
    into result;
  return result;
end
$$;
comment on function journal.restore_entry(uuid) is
  'Take one of the caller''s entries out of the trash: {id, version, deleted_at}; 404 journal.entry_not_found, 409 journal.not_in_trash.';
revoke execute on function journal.restore_entry(uuid) from public;
grant execute on function journal.restore_entry(uuid) to authenticated;
select platform.declare_api_function('journal', 'journal.restore_entry(uuid)', array['authenticated'],
  'SECURITY INVOKER: the entries'' policies decide; writes deleted_at only, as a PATCH could.');

create function journal.purge_entry(entry_id uuid) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
begin
  perform journal_private.lock_trashed_entry(purge_entry.entry_id, 'only an entry in the trash can be purged',
    'move it to the trash first (PATCH deleted_at)');
  delete from journal.entries e where e.id = purge_entry.entry_id;
  return pg_catalog.jsonb_build_object('id', purge_entry.entry_id, 'purged', true);
end
$$;
comment on function journal.purge_entry(uuid) is
  'Delete one of the caller''s entries from the trash for good: {id, purged}; 404 journal.entry_not_found, 409 journal.not_in_trash.';
revoke execute on function journal.purge_entry(uuid) from public;
grant execute on function journal.purge_entry(uuid) to authenticated;
select platform.declare_api_function('journal', 'journal.purge_entry(uuid)', array['authenticated'],
  'SECURITY INVOKER: the entries'' policies decide; deletes only an entry already in the trash.');

-- The job: purge entries deleted longer than trash_retention ago, oldest
-- first, at most 10,000 a run (a backlog drains over the next runs within
-- the scheduler's 60 s). Runs as the plan's owner (no RLS).
create function journal_private.purge_trash() returns integer
language sql volatile
set search_path = ''
as $$
  with due as (
    select e.id from journal.entries e, journal_private.settings s
     where e.deleted_at < pg_catalog.now() - s.trash_retention
     order by e.deleted_at
     limit 10000
  ),
  gone as (
    delete from journal.entries e using due where e.id = due.id returning 1
  )
  select pg_catalog.count(*)::integer from gone
$$;
comment on function journal_private.purge_trash() is
  'Purge entries deleted longer than journal_private.settings.trash_retention ago (at most 10,000 a run); answers how many.';
revoke execute on function journal_private.purge_trash() from public;

select platform.schedule_job('journal.purge_trash', '1 hour', 'journal_private.purge_trash()');

commit;
