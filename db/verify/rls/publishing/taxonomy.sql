-- Verify platform:rls/publishing/taxonomy on pg

begin;

select 1 / (pg_catalog.count(*) = 8)::int from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename in ('categories', 'tags');

rollback;
