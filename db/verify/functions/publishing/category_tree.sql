-- Verify platform:functions/publishing/category_tree on pg

begin;

select 1 / (pg_catalog.jsonb_typeof(publishing.category_tree()) = 'array')::int;

rollback;
