-- Verify platform:schema/publishing/schemas on pg

begin;

select 1 / pg_catalog.has_schema_privilege('anon', 'publishing', 'usage')::int;
select 1 / (extensions.unaccent('é') = 'e')::int;

select 1 / (select pg_catalog.count(*) from platform.modules where name = 'publishing' and 'publishing' = any (exposed_schemas))::int;

rollback;
