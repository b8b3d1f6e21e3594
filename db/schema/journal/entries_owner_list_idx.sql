-- Deploy platform:schema/journal/entries_owner_list_idx to pg
-- requires: schema/journal/entries_blocks
--
-- journal.list_entries: a user's live entries newest first, in the list's full
-- order (entry_date desc, created_at desc, id desc: id breaks the ties of a bulk
-- insert), so a keyset page is one index range. INCLUDE the columns the read
-- policy and the cheap filters read (is_public, deleted_at, open_tasks): the
-- total count of a list is an index-only scan once the table is vacuumed.
-- Built CONCURRENTLY (reads and writes go on), so no transaction and one index
-- per change; a build that failed half-way leaves an INVALID index of the same
-- name, dropped first so the deploy can run again (see entries_deleted_idx).

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_owner_list_idx;
create index concurrently if not exists entries_owner_list_idx on journal.entries
  (owner_id, entry_date desc, created_at desc, id desc) include (is_public, deleted_at, open_tasks)
  where deleted_at is null;
