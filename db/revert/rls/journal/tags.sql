-- Revert platform:rls/journal/tags from pg

begin;

select platform.allow_unfiltered_writes('journal.entry_tags');
select platform.allow_unfiltered_writes('journal.tags');
drop policy "owners untag their entries" on journal.entry_tags;
drop policy "owners tag their entries" on journal.entry_tags;
drop policy "owners read the tags on their entries" on journal.entry_tags;
drop policy "owners delete their tags" on journal.tags;
drop policy "owners rename their tags" on journal.tags;
drop policy "signed-in users add their own tags" on journal.tags;
drop policy "owners read their tags" on journal.tags;
revoke all on journal.entry_tags from authenticated;
revoke all on journal.tags from authenticated;

commit;
