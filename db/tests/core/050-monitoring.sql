-- Monitoring: who may read the server's statistics, and the shape of what they read.
begin;
select plan(24);

-- Structure and privileges.
select has_schema('monitoring', 'the platform has a private monitoring schema');
select functions_are('monitoring', array['activity', 'archiver', 'connections', 'database', 'replication',
  'seq_scans', 'statements', 'statements_status', 'table_bloat', 'tables', 'unused_indexes'],
  'the monitoring schema holds exactly the documented functions');
select ok((select not rolcanlogin and rolinherit from pg_roles where rolname = 'platform_monitor'),
  'platform_monitor cannot log in and inherits what it is granted');
select ok(pg_has_role('platform_monitor', 'pg_monitor', 'usage'),
  'platform_monitor holds pg_monitor: it reads every session and statement');
select ok(pg_has_role('platform_jobs', 'platform_monitor', 'member'),
  'the gateway''s platform_jobs may switch to platform_monitor for its metrics connection');
select ok(not pg_has_role('platform_jobs', 'pg_monitor', 'usage'),
  'platform_jobs itself (NOINHERIT) does not hold pg_monitor: the jobs it runs read no other session''s queries');
select is_empty($$
  select p.oid::regprocedure::text
    from pg_proc p where p.pronamespace = 'monitoring'::regnamespace
     and not has_function_privilege('platform_monitor', p.oid, 'execute')
$$, 'platform_monitor may run every monitoring function');
select is_empty($$
  select r || ' -> ' || p.oid::regprocedure::text
    from pg_proc p cross join unnest(array['public', 'anon', 'authenticated', 'platform_jobs', 'authenticator']) r
   where p.pronamespace = 'monitoring'::regnamespace and has_function_privilege(r, p.oid, 'execute')
$$, 'no API role, nor public, nor platform_jobs without set role, may run a monitoring function');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace = 'monitoring'::regnamespace and p.prosecdef
     and p.oid <> 'monitoring.table_bloat(integer)'::regprocedure
$$, 'every monitoring function but table_bloat runs as its caller');
select is_definer('monitoring', 'table_bloat', array['integer'],
  'table_bloat is SECURITY DEFINER: its estimate reads column statistics the monitor role cannot see');
select ok((select proconfig @> array['search_path=""'] from pg_proc
            where oid = 'monitoring.table_bloat(integer)'::regprocedure),
  'table_bloat pins search_path to the empty string');
select is_empty($$
  select r from unnest(array['public', 'anon', 'authenticated', 'platform_jobs']) r
   where has_table_privilege(r, 'extensions.pg_stat_statements', 'select')
      or has_function_privilege(r, 'extensions.pg_stat_statements(boolean)', 'execute')
$$, 'nobody but platform_monitor reads statement texts: the extension''s grant to public is withdrawn');
select ok(has_function_privilege('platform_monitor', 'extensions.pg_stat_statements(boolean)', 'execute'),
  'platform_monitor reads pg_stat_statements');

-- Behaviour, as the gateway's metrics connection runs it.
create table public.monitored (id bigint primary key, n integer, note text);
create index monitored_n_idx on public.monitored (n);
insert into public.monitored select g, g % 10, 'row ' || g from generate_series(1, 2000) g;
analyze public.monitored;
set local role platform_jobs;
select throws_ok($$ select * from monitoring.activity() $$, '42501', null,
  'platform_jobs without set role cannot read the monitoring functions');
set local role platform_monitor;
select ok((select connections >= 1 from monitoring.activity() where state = 'active'),
  'activity counts this very session among the active connections of the database');
select ok((select client_connections >= 1 and max_connections > reserved_connections from monitoring.connections()),
  'connections reports the cluster''s client connections against max_connections');
select ok((select database_name = current_database() and size_bytes > 0 and frozen_xid_age >= 0 from monitoring.database()),
  'database reports this database''s name, size and transaction ID age');
select ok((select not is_replica and replicas = 0 from monitoring.replication()),
  'replication says this server is a primary with no replica');
select ok((select archive_mode in ('off', 'on', 'always') and pending_wal_files >= 0 from monitoring.archiver()),
  'archiver reports the archive mode and the WAL files waiting to be archived');
select ok(exists (select from monitoring.tables(50) where schema_name = 'public' and table_name = 'monitored'
                   and total_bytes > table_bytes and table_bytes > 0),
  'tables lists a new table with its heap and total size (indexes included)');
select is((select index_name::text from monitoring.unused_indexes(0, 100) where table_name = 'monitored'),
  'monitored_n_idx', 'a never-scanned plain index is unused; the primary key never is');
select ok(exists (select from monitoring.table_bloat(1000) where table_name = 'monitored'
                   and table_bytes > 0 and expected_bytes > 0 and bloat_ratio between 0 and 1),
  'table_bloat estimates an analyzed table''s packed size against its pages');
select ok((select monitoring.statements_status()) in ('available', 'not preloaded'),
  'statements_status says whether pg_stat_statements can be read');
select ok((select count(*) <= 3 from monitoring.statements(3)),
  'statements returns at most the requested number of statements');

select * from finish();
rollback;
