-- The maintenance the platform schedules for itself, and the daily ANALYZE of
-- partitioned tables (which autovacuum never analyzes).
begin;
select plan(6);

select ok((select pg_catalog.array_agg(name order by name) from platform.jobs)
          @> array['events.prune', 'platform.analyze_partitioned', 'publishing.publish_due',
                   'publishing.refresh_analytics', 'publishing.view_partitions'],
  'outbox pruning, partition creation, analytics refresh, publishing due articles and the analyze are scheduled');
select is((select every from platform.jobs where name = 'platform.analyze_partitioned'), interval '1 day',
  'partitioned tables are analyzed once a day');

insert into publishing_private.article_views (viewed_at, article_id)
select pg_catalog.now() - pg_catalog.make_interval(secs => g), g % 50 from generate_series(1, 2000) g;
select is((select count(*)::int from pg_catalog.pg_stats
            where schemaname = 'publishing_private' and tablename = 'article_views' and inherited),
  0, 'before the job, the partitioned views table has no statistics of its own');

update platform.jobs set next_run_at = pg_catalog.now() - interval '1 second'
 where name = 'platform.analyze_partitioned';
update platform.jobs set next_run_at = pg_catalog.now() + interval '1 hour'
 where name <> 'platform.analyze_partitioned';
set local role platform_jobs;
select results_eq($$ select name, status from platform.run_due_jobs() $$,
  $$ values ('platform.analyze_partitioned', 'ok') $$,
  'the scheduler runs the analyze job as it runs every job, and it succeeds');
reset role;

select ok((select count(*) from pg_catalog.pg_stats
            where schemaname = 'publishing_private' and tablename = 'article_views' and inherited) >= 3,
  'after it, the planner has statistics for the views table as a whole, across its partitions');
select is(platform.analyze_partitioned_tables(),
  (select count(*)::int from pg_catalog.pg_class where relkind = 'p' and not relispartition),
  'the function analyzes every partitioned table of the database and says how many');

select * from finish();
rollback;
