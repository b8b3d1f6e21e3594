-- Deploy platform:rls/journal/entry_views to pg
-- requires: schema/journal/entry_views
-- requires: functions/core/auth_claims
--
-- An entry's view statistics are its owner's alone, also when the entry is
-- public. Clients only read them (journal.record_view, SECURITY DEFINER, is
-- the one writer); anonymous callers have no grant.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select on journal.entry_views to authenticated;

create policy "owners read their entries' views" on journal.entry_views
  for select to authenticated using (owner_id = (select auth.uid()));

commit;
