-- Verify platform:functions/core/platform_analyze_partitioned on pg
-- Verify scripts raise: select ... where false, 1/count(*), has_*_privilege checks.

begin;

select 1/count(*) from platform.jobs
 where name = 'platform.analyze_partitioned' and procedure = 'platform.analyze_partitioned_tables()';
select 1/(not pg_catalog.has_function_privilege('public', 'platform.analyze_partitioned_tables()', 'execute'))::int;

rollback;
