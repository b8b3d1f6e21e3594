-- Revert platform:schema/journal/entries_search_inline from pg

begin;

set local search_path = '';
set local lock_timeout = '5s';

alter table journal.entries alter column search set storage extended;

commit;
