-- Revert platform:rls/journal/entry_views from pg

begin;

drop policy "owners read their entries' views" on journal.entry_views;
revoke all on journal.entry_views from authenticated;

commit;
