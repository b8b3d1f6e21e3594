-- Verify platform:schema/journal/entries_owner_list_idx on pg
-- The index exists and its build finished (an interrupted build leaves it INVALID).

begin;

select 1/count(*) from pg_catalog.pg_index
 where indexrelid = pg_catalog.to_regclass('journal.entries_owner_list_idx') and indisvalid and indisready;

rollback;
