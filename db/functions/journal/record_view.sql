-- Deploy platform:functions/journal/record_view to pg
-- requires: rls/journal/entries
-- requires: functions/core/platform_errors
--
-- POST /rpc/record_view {entry_id}: counts one view of an entry the caller may
-- read (their own, or a public one that is not deleted) and answers
-- {view_count, last_viewed_at}. Clients cannot write those columns: SECURITY
-- DEFINER with the select policies' rule written out, the one place these
-- counters move. Anything else, someone's private or deleted entry included,
-- is 404 journal.entry_not_found, the same answer as for an id that does not exist.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function journal.record_view(entry_id uuid) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  result jsonb;
begin
  update journal.entries e
     set view_count = e.view_count + 1, last_viewed_at = pg_catalog.now()
   where e.id = record_view.entry_id and e.deleted_at is null
     and (e.owner_id = (select auth.uid()) or e.is_public)
  returning pg_catalog.jsonb_build_object('view_count', e.view_count, 'last_viewed_at', e.last_viewed_at)
    into result;
  if result is null then
    perform platform.raise_error(404, 'journal.entry_not_found', 'entry_id: no such entry',
      '{"field": "entry_id"}');
  end if;
  return result;
end
$$;
comment on function journal.record_view(uuid) is
  'Count a view of an entry the caller may read: {view_count, last_viewed_at}; 404 journal.entry_not_found otherwise.';
revoke execute on function journal.record_view(uuid) from public;
grant execute on function journal.record_view(uuid) to anon, authenticated;
select platform.declare_api_function('journal', 'journal.record_view(uuid)', array['anon', 'authenticated'],
  'Moves only view_count and last_viewed_at of an entry the caller may read (the select policies'' rule).');

commit;
