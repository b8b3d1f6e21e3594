-- Verify platform:functions/publishing/workflow on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'publishing.publish_article(bigint)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'publishing.publish_article(bigint)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'publishing.publish_due_articles()', 'execute'))::int;

rollback;
