-- Deploy platform:schema/journal/entries_owner_search_idx to pg
-- requires: schema/journal/search_extensions
--
-- journal_private.search_hits: a user's live entries matching a full-text query,
-- found inside one GIN index (btree_gin's owner_id key AND the query's words):
-- a heavy user's matches without reading their other entries, nor other
-- users' matches of a common word.
-- Built CONCURRENTLY (reads and writes go on), so no transaction and one index
-- per change; a build that failed half-way leaves an INVALID index of the same
-- name, dropped first so the deploy can run again (see entries_deleted_idx).

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_owner_search_idx;
create index concurrently if not exists entries_owner_search_idx on journal.entries
  using gin (owner_id extensions.uuid_ops, search) where deleted_at is null;
