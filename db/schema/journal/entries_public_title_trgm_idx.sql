-- Deploy platform:schema/journal/entries_public_title_trgm_idx to pg
-- requires: schema/journal/search_extensions
--
-- The typo-tolerant fallback over public entries (include_public): public,
-- live titles by trigrams.
-- Built CONCURRENTLY (reads and writes go on), so no transaction and one index
-- per change; a build that failed half-way leaves an INVALID index of the same
-- name, dropped first so the deploy can run again (see entries_deleted_idx).

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_public_title_trgm_idx;
create index concurrently if not exists entries_public_title_trgm_idx on journal.entries
  using gin (title extensions.gin_trgm_ops) where is_public and deleted_at is null;
