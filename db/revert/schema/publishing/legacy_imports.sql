-- Revert platform:schema/publishing/legacy_imports from pg

begin;

drop table publishing_private.legacy_ids;
drop table publishing_private.legacy_imports;

commit;
