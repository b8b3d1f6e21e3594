-- Revert platform:schema/journal/entries_author_fk from pg

begin;

set local lock_timeout = '5s';

alter table journal.entries drop constraint entries_owner_author_fkey;

commit;
