-- Revert platform:schema/journal/entries_author_fk_validated from pg
-- A validated constraint cannot be made NOT VALID again; it stays (the previous
-- change's revert drops it).

begin;

select 1;

commit;
