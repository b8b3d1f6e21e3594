-- Deploy platform:schema/journal/entries_images_idx to pg
-- requires: schema/journal/entry_images
--
-- An index on a table that holds data is built CONCURRENTLY: reads and writes go on
-- during the build. CONCURRENTLY cannot run inside a transaction, so this script has no
-- begin/commit and one index per change. A build that failed half-way leaves an INVALID
-- index of the same name (the change is not recorded as deployed): it is dropped first,
-- so running the deploy again starts clean.
--
-- The journalimages bucket's read rule (journal_private.image_readable) asks "does a
-- public, live entry show this path?": image_paths @> array[path] on this GIN index.
-- Partial: only public, live entries (the rule's own condition), a small part.

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists journal.entries_images_idx;
create index concurrently if not exists entries_images_idx on journal.entries using gin (image_paths)
  where is_public and deleted_at is null;
