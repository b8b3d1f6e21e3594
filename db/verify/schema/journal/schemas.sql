-- Verify platform:schema/journal/schemas on pg

begin;

select 1 / count(*) from platform.modules
 where name = 'journal' and exposed_schemas = array['journal'];
select 1 / pg_catalog.has_schema_privilege('authenticated', 'journal', 'usage')::int;
select 1 / (not pg_catalog.has_schema_privilege('anon', 'journal_private', 'usage'))::int;

rollback;
