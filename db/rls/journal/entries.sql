-- Deploy platform:rls/journal/entries to pg
-- requires: schema/journal/entries
-- requires: functions/core/auth_claims
-- requires: functions/core/unfiltered_writes
--
-- Who reads and writes journal.entries (RLS is the only guard): one policy per
-- command, each `to` a role, auth.uid() in a sub-select so it runs once per
-- statement; the columns the policies filter on are indexed (owner_id leads
-- entries_owner_date_idx; the public feed index is partial on is_public and
-- deleted_at is null).
--   * owners read, add, change and delete their own entries, deleted ones too
--     (the trash);
--   * everyone, anonymous included, reads public entries that are not deleted;
--   * nobody else changes anything.
-- Clients never write owner_id, the derived columns, the counters or created_at.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select on journal.entries to anon, authenticated;
grant delete on journal.entries to authenticated;
grant insert (title, entry_date, content, is_public) on journal.entries to authenticated;
grant update (title, entry_date, content, is_public, version, deleted_at) on journal.entries to authenticated;

create policy "anyone reads public entries that are not deleted" on journal.entries
  for select to anon using (is_public and deleted_at is null);
-- One permissive policy for signed-in readers (not two stacked ones).
create policy "users read their own entries and public ones" on journal.entries
  for select to authenticated
  using (owner_id = (select auth.uid()) or (is_public and deleted_at is null));
create policy "signed-in users add their own entries" on journal.entries
  for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "owners edit their entries" on journal.entries
  for update to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "owners delete their entries" on journal.entries
  for delete to authenticated using (owner_id = (select auth.uid()));

-- A PATCH or DELETE without a filter is refused (400 platform.filter_required).
select platform.refuse_unfiltered_writes('journal.entries');

commit;
