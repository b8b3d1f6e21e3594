-- Revert platform:schema/journal/seed_entry_point from pg

begin;

update platform.modules set seed_entry = null where name = 'journal';

commit;
