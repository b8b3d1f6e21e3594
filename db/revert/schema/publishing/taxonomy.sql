-- Revert platform:schema/publishing/taxonomy from pg

begin;

drop table publishing.tags;
drop table publishing.categories;
drop function publishing_private.refuse_category_cycle();

commit;
