-- Verify platform:functions/core/monitoring on pg

begin;

select 1 / (pg_catalog.count(*) = 11)::int from pg_catalog.pg_proc p
 where p.pronamespace = 'monitoring'::regnamespace
   and pg_catalog.has_function_privilege('platform_monitor', p.oid, 'execute')
   and not pg_catalog.has_function_privilege('platform_jobs', p.oid, 'execute')
   and not pg_catalog.has_function_privilege('anon', p.oid, 'execute')
   and not pg_catalog.has_function_privilege('authenticated', p.oid, 'execute');
select 1 / pg_catalog.count(*) from pg_catalog.pg_proc
 where oid = 'monitoring.table_bloat(integer)'::regprocedure
   and prosecdef and proconfig @> array['search_path=""'];
select 1 / (pg_catalog.count(*) = 1)::int from pg_catalog.pg_proc
 where pronamespace = 'monitoring'::regnamespace and prosecdef;

rollback;
