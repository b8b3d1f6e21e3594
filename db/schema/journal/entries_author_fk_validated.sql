-- Deploy platform:schema/journal/entries_author_fk_validated to pg
-- requires: schema/journal/entries_author_fk
--
-- Validate entries_owner_author_fkey (added NOT VALID by the previous change): a scan
-- under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table journal.entries validate constraint entries_owner_author_fkey;

commit;
