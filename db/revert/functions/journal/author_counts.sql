-- Revert platform:functions/journal/author_counts from pg
-- (the counts stay as they are: deploying again recomputes the same numbers)

begin;

drop trigger entries_public_count_delete on journal.entries;
drop trigger entries_public_count_update on journal.entries;
drop trigger entries_public_count_insert on journal.entries;
drop function journal_private.count_public_entries();

commit;
