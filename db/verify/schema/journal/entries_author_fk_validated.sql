-- Verify platform:schema/journal/entries_author_fk_validated on pg

begin;

select 1 / count(*) from pg_catalog.pg_constraint
 where conrelid = 'journal.entries'::regclass and conname = 'entries_owner_author_fkey' and convalidated;

rollback;
