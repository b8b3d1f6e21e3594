-- Verify platform:schema/journal/trash_retention on pg

begin;

select trash_retention from journal_private.settings where false;
select 1 / pg_catalog.count(*) from journal_private.settings where trash_retention = interval '30 days' or trash_retention is not null;

rollback;
