-- Deploy platform:functions/journal/record_view to pg
-- requires: rls/journal/entries
-- requires: rls/journal/entry_views
-- requires: functions/core/platform_errors
--
-- POST /rpc/record_view {entry_id}: counts one view of an entry the caller may
-- read (their own, or a public one that is not deleted) in journal.entry_views.
-- The owner gets their statistics back, {recorded: true, view_count,
-- last_viewed_at}; anyone else {recorded: true}: the statistics are the owner's
-- alone. Clients cannot write them: SECURITY DEFINER with the select policies'
-- rule written out, the one place these counters move. Anything else,
-- someone's private or deleted entry included, is 404 journal.entry_not_found,
-- the same answer as for an id that does not exist. A view writes no new
-- version of the entry (no audit row, no event).

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
  me uuid := (select auth.uid());
  owner uuid;
  counted journal.entry_views;
begin
  select e.owner_id into owner
    from journal.entries e
   where e.id = record_view.entry_id and e.deleted_at is null
     and (e.owner_id = me or e.is_public);
  if owner is null then
    perform platform.raise_error(404, 'journal.entry_not_found', 'entry_id: no such entry',
      '{"field": "entry_id"}');
  end if;
  insert into journal.entry_views as v (entry_id, owner_id, view_count, last_viewed_at)
  values (record_view.entry_id, owner, 1, pg_catalog.now())
  on conflict on constraint entry_views_pkey do update
     set view_count = v.view_count + 1, last_viewed_at = excluded.last_viewed_at
  returning * into counted;
  if owner is distinct from me then
    return '{"recorded": true}'::jsonb;
  end if;
  return pg_catalog.jsonb_build_object('recorded', true, 'view_count', counted.view_count,
    'last_viewed_at', counted.last_viewed_at);
end
$$;
comment on function journal.record_view(uuid) is
  'Count a view of an entry the caller may read: {recorded, view_count?, last_viewed_at?} (statistics for the owner only); 404 journal.entry_not_found otherwise.';
revoke execute on function journal.record_view(uuid) from public;
grant execute on function journal.record_view(uuid) to anon, authenticated;
select platform.declare_api_function('journal', 'journal.record_view(uuid)', array['anon', 'authenticated'],
  'Moves only journal.entry_views of an entry the caller may read (the select policies'' rule); answers the statistics to the owner only.');

commit;
