-- Verify platform:schema/journal/entries_search_inline on pg

begin;

select 1/count(*) from pg_catalog.pg_attribute
 where attrelid = 'journal.entries'::regclass and attname = 'search' and attstorage = 'm';

rollback;
