-- Revert platform:rls/journal/entries from pg

begin;

select platform.allow_unfiltered_writes('journal.entries');
drop policy "owners delete their entries" on journal.entries;
drop policy "owners edit their entries" on journal.entries;
drop policy "signed-in users add their own entries" on journal.entries;
drop policy "users read their own entries and public ones" on journal.entries;
drop policy "anyone reads public entries that are not deleted" on journal.entries;
revoke all on journal.entries from anon, authenticated;

commit;
