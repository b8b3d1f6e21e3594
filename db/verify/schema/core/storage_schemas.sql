-- Verify platform:schema/core/storage_schemas on pg

begin;

select 1 / pg_catalog.has_schema_privilege('anon', 'storage', 'usage')::int;
select 1 / pg_catalog.has_schema_privilege('authenticated', 'storage_private', 'usage')::int;
select 1 / (select pg_catalog.count(*) from platform.modules
             where name = 'storage' and exposed_schemas = array['storage'])::int;

rollback;
