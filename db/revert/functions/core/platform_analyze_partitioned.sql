-- Revert platform:functions/core/platform_analyze_partitioned from pg
-- A revert really reverts: drop exactly what the deploy created.

begin;

select platform.unschedule_job('platform.analyze_partitioned');
drop function platform.analyze_partitioned_tables();

commit;
