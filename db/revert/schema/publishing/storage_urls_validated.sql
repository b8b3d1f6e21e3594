-- Revert platform:schema/publishing/storage_urls_validated from pg
-- A validated constraint cannot be made NOT VALID again; the revert of
-- schema/publishing/storage_urls replaces it. Nothing to undo here.

begin;

select 1;

commit;
