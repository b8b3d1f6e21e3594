-- Verify platform:functions/publishing/legacy_links on pg

begin;

select 1 / (select pg_catalog.count(*)::int + 1 from publishing.legacy_article(-1));
select 1 / (not pg_catalog.has_function_privilege('public', 'publishing.legacy_article(bigint)', 'execute'))::int;

rollback;
