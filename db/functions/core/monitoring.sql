-- Deploy platform:functions/core/monitoring to pg
-- requires: schema/core/monitoring
--
-- The figures behind the gateway's /metrics and /healthz and behind
-- `inv monitor.report`: one function per view of the server, each a few
-- rows, all for the current database (pg_stat_statements, pg_stat_activity
-- and the archiver are cluster-wide; only what concerns this database is
-- kept, except the cluster's connection count, which max_connections caps).
-- Every function runs as the caller (SECURITY INVOKER): platform_monitor,
-- through its pg_monitor membership, sees every session and statement.
-- The one exception is monitoring.table_bloat, SECURITY DEFINER: its
-- estimate needs the column statistics of pg_stats, which show a table's
-- columns only to roles that may read them (the deploying owner may; the
-- monitor role must not read the data).
-- Lists are bounded by their arguments, so /metrics label sets stay bounded.
-- A partitioned table (no storage of its own) has no frozen XID age (null).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function monitoring.activity()
returns table (state text, connections bigint, oldest_xact_seconds double precision,
               oldest_xact_pid integer, longest_query_seconds double precision,
               longest_query_pid integer, waiting_on_lock bigint)
language sql stable
set search_path = ''
as $$
  select coalesce(a.state, 'unknown'),
         pg_catalog.count(*),
         pg_catalog.max(extract(epoch from pg_catalog.now() - a.xact_start)::float8)
           filter (where a.pid <> pg_catalog.pg_backend_pid()),
         (pg_catalog.array_agg(a.pid order by a.xact_start)
           filter (where a.xact_start is not null and a.pid <> pg_catalog.pg_backend_pid()))[1],
         pg_catalog.max(extract(epoch from pg_catalog.now() - a.query_start)::float8)
           filter (where a.state = 'active' and a.pid <> pg_catalog.pg_backend_pid()),
         (pg_catalog.array_agg(a.pid order by a.query_start)
           filter (where a.state = 'active' and a.pid <> pg_catalog.pg_backend_pid()))[1],
         pg_catalog.count(*) filter (where a.wait_event_type = 'Lock')
    from pg_catalog.pg_stat_activity a
   where a.datname = pg_catalog.current_database()
     and a.backend_type = 'client backend'
   group by 1
   order by 1
$$;
comment on function monitoring.activity() is
  'Client connections of this database by state: count, oldest transaction, longest active query, lock waits.';

create function monitoring.connections()
returns table (client_connections bigint, max_connections integer, reserved_connections integer)
language sql stable
set search_path = ''
as $$
  select (select pg_catalog.count(*) from pg_catalog.pg_stat_activity a
           where a.backend_type = 'client backend'),
         pg_catalog.current_setting('max_connections')::integer,
         pg_catalog.current_setting('superuser_reserved_connections')::integer
$$;
comment on function monitoring.connections() is
  'Client connections of the whole cluster against max_connections (they share that limit).';

create function monitoring.database()
returns table (database_name name, size_bytes bigint, xact_commit bigint, xact_rollback bigint,
               blks_read bigint, blks_hit bigint, deadlocks bigint, conflicts bigint,
               temp_bytes bigint, frozen_xid_age integer, stats_reset timestamptz)
language sql stable
set search_path = ''
as $$
  select d.datname, pg_catalog.pg_database_size(d.oid), s.xact_commit, s.xact_rollback,
         s.blks_read, s.blks_hit, s.deadlocks, s.conflicts, s.temp_bytes,
         pg_catalog.age(d.datfrozenxid), s.stats_reset
    from pg_catalog.pg_database d
    join pg_catalog.pg_stat_database s on s.datid = d.oid
   where d.datname = pg_catalog.current_database()
$$;
comment on function monitoring.database() is
  'This database: size, commits, rollbacks, block reads and hits, deadlocks, transaction ID age.';

create function monitoring.replication()
returns table (is_replica boolean, replicas integer, max_replica_lag_bytes numeric,
               replay_delay_seconds double precision, slots integer, inactive_slots integer,
               max_slot_retained_bytes numeric)
language sql stable
set search_path = ''
as $$
  with here as (
    select pg_catalog.pg_is_in_recovery() as replica,
           case when pg_catalog.pg_is_in_recovery() then pg_catalog.pg_last_wal_receive_lsn()
                else pg_catalog.pg_current_wal_lsn() end as lsn
  )
  select h.replica,
         (select pg_catalog.count(*)::integer from pg_catalog.pg_stat_replication),
         (select pg_catalog.max(pg_catalog.pg_wal_lsn_diff(h.lsn, r.replay_lsn))
            from pg_catalog.pg_stat_replication r),
         case when h.replica then
           extract(epoch from pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp())::float8
         end,
         (select pg_catalog.count(*)::integer from pg_catalog.pg_replication_slots),
         (select pg_catalog.count(*)::integer from pg_catalog.pg_replication_slots s where not s.active),
         (select pg_catalog.max(pg_catalog.pg_wal_lsn_diff(h.lsn, s.restart_lsn))
            from pg_catalog.pg_replication_slots s)
    from here h
$$;
comment on function monitoring.replication() is
  'Replication: replica or primary, connected replicas and their lag, slots and the WAL they retain.';

create function monitoring.archiver()
returns table (archive_mode text, archived_count bigint, failed_count bigint,
               last_archived_wal text, last_archived_age_seconds double precision,
               last_failed_wal text, last_failed_age_seconds double precision,
               pending_wal_files bigint, failing boolean)
language sql stable
set search_path = ''
as $$
  select pg_catalog.current_setting('archive_mode'), a.archived_count, a.failed_count,
         a.last_archived_wal,
         extract(epoch from pg_catalog.now() - a.last_archived_time)::float8,
         a.last_failed_wal,
         extract(epoch from pg_catalog.now() - a.last_failed_time)::float8,
         (select pg_catalog.count(*) from pg_catalog.pg_ls_archive_statusdir() f
           where f.name like '%.ready'),
         a.last_failed_time is not null
           and a.last_failed_time > coalesce(a.last_archived_time, '-infinity')
    from pg_catalog.pg_stat_archiver a
$$;
comment on function monitoring.archiver() is
  'WAL archiving: mode, archived and failed counts, ages, WAL files waiting, whether the last attempt failed.';

create function monitoring.tables(max_tables integer)
returns table (schema_name name, table_name name, total_bytes bigint, table_bytes bigint,
               live_tuples bigint, dead_tuples bigint, seq_scan bigint, seq_tup_read bigint,
               idx_scan bigint, last_vacuum timestamptz, last_autovacuum timestamptz,
               last_analyze timestamptz, last_autoanalyze timestamptz, frozen_xid_age integer)
language sql stable
set search_path = ''
as $$
  with sized as (
    select s.*, pg_catalog.pg_total_relation_size(s.relid) as total,
           pg_catalog.pg_table_size(s.relid) as heap,
           case when c.relkind <> 'p' then pg_catalog.age(c.relfrozenxid) end as xid_age
      from pg_catalog.pg_stat_user_tables s
      join pg_catalog.pg_class c on c.oid = s.relid
  ), ranked as (
    select z.*,
           pg_catalog.row_number() over (order by z.total desc, z.relid) as by_size,
           pg_catalog.row_number() over (order by z.n_dead_tup desc, z.relid) as by_dead,
           pg_catalog.row_number() over (order by z.seq_tup_read desc, z.relid) as by_scan
      from sized z
  )
  select r.schemaname, r.relname, r.total, r.heap, r.n_live_tup, r.n_dead_tup, r.seq_scan,
         r.seq_tup_read, r.idx_scan, r.last_vacuum, r.last_autovacuum, r.last_analyze,
         r.last_autoanalyze, r.xid_age
    from ranked r
   where r.by_size <= max_tables or r.by_dead <= max_tables or r.by_scan <= max_tables
   order by r.total desc, r.schemaname, r.relname
$$;
comment on function monitoring.tables(integer) is
  'The largest tables, those with the most dead tuples and the most rows read by sequential scans (max_tables of each).';

-- A missing-index hint: at least min_rows live rows, at least 10 sequential
-- scans, more of them than index scans, and each reading min_rows rows or more
-- on average (whole-table reads, not a few pages).
create function monitoring.seq_scans(min_rows bigint, max_tables integer)
returns table (schema_name name, table_name name, live_tuples bigint, seq_scan bigint,
               seq_tup_read bigint, idx_scan bigint, rows_per_seq_scan bigint, needs_index boolean)
language sql stable
set search_path = ''
as $$
  select s.schemaname, s.relname, s.n_live_tup, s.seq_scan, s.seq_tup_read, s.idx_scan,
         s.seq_tup_read / greatest(s.seq_scan, 1),
         s.seq_scan >= 10 and s.seq_scan > coalesce(s.idx_scan, 0)
           and s.seq_tup_read / greatest(s.seq_scan, 1) >= min_rows
    from pg_catalog.pg_stat_user_tables s
   where s.n_live_tup >= min_rows
   order by s.seq_tup_read desc, s.schemaname, s.relname
   limit max_tables
$$;
comment on function monitoring.seq_scans(bigint, integer) is
  'Sequential scans on tables of at least min_rows rows, and whether they hint at a missing index.';

create function monitoring.unused_indexes(min_bytes bigint, max_indexes integer)
returns table (schema_name name, table_name name, index_name name, index_bytes bigint)
language sql stable
set search_path = ''
as $$
  select s.schemaname, s.relname, s.indexrelname, pg_catalog.pg_relation_size(s.indexrelid)
    from pg_catalog.pg_stat_user_indexes s
    join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
   where s.idx_scan = 0
     and not i.indisunique and not i.indisprimary and not i.indisexclusion
     and pg_catalog.pg_relation_size(s.indexrelid) >= min_bytes
   order by 4 desc, s.schemaname, s.indexrelname
   limit max_indexes
$$;
comment on function monitoring.unused_indexes(bigint, integer) is
  'Indexes never scanned since the statistics were reset, neither unique nor primary, of at least min_bytes.';

-- The ioguide/pgexperts estimate (table_bloat_check.sql): the bytes a table
-- would take with its reltuples rows of the average widths in pg_stats,
-- tightly packed with tuple headers and alignment, plus its TOAST at four
-- chunks per page, against the pages it has (relpages). Only tables whose
-- every column has statistics (analyzed, not empty) can be estimated.
-- SECURITY DEFINER: see the header; it returns sizes only, never values.
create function monitoring.table_bloat(max_tables integer)
returns table (schema_name name, table_name name, table_bytes numeric, expected_bytes numeric,
               bloat_bytes numeric, bloat_ratio numeric)
language sql stable
security definer
set search_path = ''
as $$
  with constants as (
    select pg_catalog.current_setting('block_size')::numeric as bs, 23 as hdr, 8 as ma
  ), candidates as (
    select c.oid, n.nspname, c.relname, c.reltuples, c.relpages, c.reltoastrelid
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and c.reltuples >= 0
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
       and not exists (
         select from pg_catalog.pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            and not exists (select from pg_catalog.pg_stats s
                             where s.schemaname = n.nspname and s.tablename = c.relname
                               and s.attname = a.attname and not s.inherited))
  ), null_headers as (
    select t.oid, k.hdr, k.ma, k.bs,
           k.hdr + 1 + (pg_catalog.sum(case when s.null_frac <> 0 then 1 else 0 end) / 8) as nullhdr,
           pg_catalog.sum((1 - s.null_frac) * s.avg_width)::numeric as datawidth,
           pg_catalog.max(s.null_frac) as maxfracsum
      from candidates t
      join pg_catalog.pg_stats s
        on s.schemaname = t.nspname and s.tablename = t.relname and not s.inherited
     cross join constants k
     group by t.oid, k.hdr, k.ma, k.bs
  ), data_headers as (
    select h.oid, h.ma, h.bs,
           (h.datawidth + (h.hdr + h.ma - (case when h.hdr % h.ma = 0 then h.ma else h.hdr % h.ma end)))::numeric
             as datahdr,
           (h.maxfracsum * (h.nullhdr + h.ma - (case when h.nullhdr % h.ma = 0 then h.ma else h.nullhdr % h.ma end)))::numeric
             as nullhdr2
      from null_headers h
  ), estimates as (
    select t.nspname, t.relname,
           (t.relpages::numeric + coalesce(toast.relpages, 0)) * d.bs as table_bytes,
           pg_catalog.ceil(t.reltuples::numeric * (d.datahdr + d.nullhdr2 + 4 + d.ma
                             - (case when d.datahdr % d.ma = 0 then d.ma else d.datahdr % d.ma end))
                           / (d.bs - 20)) * d.bs
             + pg_catalog.ceil(coalesce(toast.reltuples, 0)::numeric / 4) * d.bs as expected_bytes
      from data_headers d
      join candidates t on t.oid = d.oid
      left join pg_catalog.pg_class toast on toast.oid = t.reltoastrelid and toast.relkind = 't'
  )
  select e.nspname, e.relname, e.table_bytes, e.expected_bytes,
         greatest(e.table_bytes - e.expected_bytes, 0),
         case when e.table_bytes > 0
              then pg_catalog.round(greatest(e.table_bytes - e.expected_bytes, 0) / e.table_bytes, 4)
              else 0 end
    from estimates e
   order by 5 desc, e.nspname, e.relname
   limit max_tables
$$;
comment on function monitoring.table_bloat(integer) is
  'Estimated bloat (ioguide/pgexperts) of the max_tables most bloated tables: bytes beyond their packed size.';

-- pg_stat_statements of this database, one row per statement (summed over the
-- roles that ran it, so queryid is unique), the top ones by total execution
-- time. Nothing when the extension is absent or not preloaded
-- (monitoring.statements_status says which).
create function monitoring.statements(top integer)
returns table (queryid bigint, query text, calls bigint, total_exec_ms double precision,
               mean_exec_ms double precision, rows bigint, shared_blks_hit bigint,
               shared_blks_read bigint)
language plpgsql stable
set search_path = ''
as $$
begin
  return query
    select t.queryid,
           pg_catalog.left(pg_catalog.regexp_replace(t.query, '\s+', ' ', 'g'), 500),
           t.calls, t.total_exec_ms, t.total_exec_ms / greatest(t.calls, 1), t.rows,
           t.shared_blks_hit, t.shared_blks_read
      from (select s.queryid, pg_catalog.min(s.query) as query,
                   pg_catalog.sum(s.calls)::bigint as calls,
                   pg_catalog.sum(s.total_exec_time) as total_exec_ms,
                   pg_catalog.sum(s.rows)::bigint as rows,
                   pg_catalog.sum(s.shared_blks_hit)::bigint as shared_blks_hit,
                   pg_catalog.sum(s.shared_blks_read)::bigint as shared_blks_read
              from extensions.pg_stat_statements(true) s
             where s.dbid = (select d.oid from pg_catalog.pg_database d
                              where d.datname = pg_catalog.current_database())
               and s.toplevel and s.queryid is not null
             group by s.queryid
             order by 4 desc, 1
             limit top) t
     order by t.total_exec_ms desc, t.queryid;
exception
  when object_not_in_prerequisite_state or undefined_function or undefined_table then
    return;
end
$$;
comment on function monitoring.statements(integer) is
  'The top statements of this database by total execution time (pg_stat_statements).';

create function monitoring.statements_status()
returns text
language plpgsql stable
set search_path = ''
as $$
begin
  if not exists (select from pg_catalog.pg_extension e where e.extname = 'pg_stat_statements') then
    return 'not installed';
  end if;
  perform from extensions.pg_stat_statements_info();
  return 'available';
exception
  when object_not_in_prerequisite_state then
    return 'not preloaded';
  when insufficient_privilege then
    return 'not permitted';
end
$$;
comment on function monitoring.statements_status() is
  'Whether pg_stat_statements can be read: available, not installed, not preloaded or not permitted.';

revoke execute on function monitoring.activity() from public;
revoke execute on function monitoring.connections() from public;
revoke execute on function monitoring.database() from public;
revoke execute on function monitoring.replication() from public;
revoke execute on function monitoring.archiver() from public;
revoke execute on function monitoring.tables(integer) from public;
revoke execute on function monitoring.seq_scans(bigint, integer) from public;
revoke execute on function monitoring.unused_indexes(bigint, integer) from public;
revoke execute on function monitoring.table_bloat(integer) from public;
revoke execute on function monitoring.statements(integer) from public;
revoke execute on function monitoring.statements_status() from public;
grant execute on function monitoring.activity() to platform_monitor;
grant execute on function monitoring.connections() to platform_monitor;
grant execute on function monitoring.database() to platform_monitor;
grant execute on function monitoring.replication() to platform_monitor;
grant execute on function monitoring.archiver() to platform_monitor;
grant execute on function monitoring.tables(integer) to platform_monitor;
grant execute on function monitoring.seq_scans(bigint, integer) to platform_monitor;
grant execute on function monitoring.unused_indexes(bigint, integer) to platform_monitor;
grant execute on function monitoring.table_bloat(integer) to platform_monitor;
grant execute on function monitoring.statements(integer) to platform_monitor;
grant execute on function monitoring.statements_status() to platform_monitor;

commit;
