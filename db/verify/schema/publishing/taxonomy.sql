-- Verify platform:schema/publishing/taxonomy on pg

begin;

select id, parent_id, name, slug, description, sort_order, created_at from publishing.categories where false;
select id, name, slug, created_at from publishing.tags where false;

rollback;
