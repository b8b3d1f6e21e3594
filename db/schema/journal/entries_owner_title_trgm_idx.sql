-- Deploy platform:schema/journal/entries_owner_title_trgm_idx to pg
-- requires: schema/journal/search_extensions
--
-- The typo-tolerant fallback of journal_private.search_hits: a user's live
-- entries whose title is similar to the query (trigrams), within one GIN index.
-- Built CONCURRENTLY (reads and writes go on), so no transaction and one index
-- per change; a build that failed half-way leaves an INVALID index of the same
-- name, dropped first so the deploy can run again (see entries_deleted_idx).

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_owner_title_trgm_idx;
create index concurrently if not exists entries_owner_title_trgm_idx on journal.entries
  using gin (owner_id extensions.uuid_ops, title extensions.gin_trgm_ops) where deleted_at is null;
