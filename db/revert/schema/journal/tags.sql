-- Revert platform:schema/journal/tags from pg

begin;

drop table journal.entry_tags;
drop table journal.tags;
drop function journal_private.enforce_tag_limit();
drop function journal_private.guard_entry_tag();
drop function journal_private.guard_tag();

commit;
