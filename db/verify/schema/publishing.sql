-- Verify platform:schema/publishing on pg

begin;

select 1 / pg_catalog.has_schema_privilege('anon', 'publishing', 'usage')::int;
select 1 / (extensions.unaccent('é') = 'e')::int;

rollback;
