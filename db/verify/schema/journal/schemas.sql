-- Verify platform:schema/journal/schemas on pg

begin;

select 1 / count(*) from platform.modules
 where name = 'journal' and exposed_schemas = array['journal'];
select 1 / pg_catalog.has_schema_privilege('authenticated', 'journal', 'usage')::int;
-- journal_private: anon gets USAGE later (functions/journal/events, for the topic
-- authorizer); every function there has EXECUTE revoked from PUBLIC.
select 1 / (not pg_catalog.has_schema_privilege('anon', 'journal', 'create'))::int;

rollback;
