-- Deploy platform:schema/journal/entries_deleted_idx to pg
-- requires: schema/journal/entries
--
-- An index on a table that holds data is built CONCURRENTLY: reads and writes go on
-- during the build. CONCURRENTLY cannot run inside a transaction, so this script has no
-- begin/commit and one index per change. A build that failed half-way leaves an INVALID
-- index of the same name (the change is not recorded as deployed): it is dropped first,
-- so running the deploy again starts clean.
--
-- The job journal.purge_trash (functions/journal/trash) finds the entries deleted
-- longer than the retention ago, oldest first: without this index, a scan of every
-- entry each hour. Partial: only the trash, a small part of the table.

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_deleted_idx;
create index concurrently if not exists entries_deleted_idx on journal.entries (deleted_at)
  where deleted_at is not null;
