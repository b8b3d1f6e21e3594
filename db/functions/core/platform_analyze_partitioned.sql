-- Deploy platform:functions/core/platform_analyze_partitioned to pg
-- requires: functions/core/platform_jobs
--
-- Autovacuum analyzes a partitioned table's partitions but never the partitioned table
-- itself, so the planner's statistics for queries on the parent (publishing.article_views
-- across months) come only from an explicit ANALYZE. This daily job runs it on every
-- partitioned table of the database (partitions are sampled, not read whole).

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction (every query on the table would
-- queue behind this change); retry the deploy later. Raise statement_timeout in the
-- change if a backfill needs longer.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function platform.analyze_partitioned_tables() returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  parent regclass;
  analyzed integer := 0;
begin
  for parent in
    select c.oid::regclass
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'p' and not c.relispartition
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'
     order by 1
  loop
    execute pg_catalog.format('analyze %s', parent);
    analyzed := analyzed + 1;
  end loop;
  return analyzed;
end
$$;
comment on function platform.analyze_partitioned_tables() is
  'ANALYZE every partitioned table (autovacuum never does); returns how many.';
revoke execute on function platform.analyze_partitioned_tables() from public;

select platform.schedule_job('platform.analyze_partitioned', '1 day',
                             'platform.analyze_partitioned_tables()');

commit;
