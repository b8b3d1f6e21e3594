-- Revert platform:schema/journal/entry_views from pg

begin;

drop table journal.entry_views;

commit;
