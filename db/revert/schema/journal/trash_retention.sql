-- Revert platform:schema/journal/trash_retention from pg

begin;

alter table journal_private.settings drop column trash_retention;
comment on table journal_private.settings is 'Journal settings (one row): daily_entry_limit.';

commit;
