-- Verify platform:functions/publishing/search_articles on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon',
  'publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('authenticated',
  'publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer)', 'execute')::int;
-- The definer helper runs with an empty search_path and is not PUBLIC's to run.
select 1 / count(*)::int from pg_catalog.pg_proc p
 where p.oid = 'publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer)'::regprocedure
   and p.prosecdef and p.proconfig @> array['search_path=""']
   and not pg_catalog.has_function_privilege('platform_jobs', p.oid, 'execute');
-- The invoker runs as its caller.
select 1 / (not p.prosecdef)::int from pg_catalog.pg_proc p
 where p.oid = 'publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer)'::regprocedure;

rollback;
