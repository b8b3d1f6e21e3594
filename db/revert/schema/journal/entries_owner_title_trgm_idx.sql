-- Revert platform:schema/journal/entries_owner_title_trgm_idx from pg
-- Dropped CONCURRENTLY, outside a transaction, like it was built.

set lock_timeout = '5s';

drop index concurrently if exists journal.entries_owner_title_trgm_idx;
