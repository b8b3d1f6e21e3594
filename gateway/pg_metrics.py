"""The ``pg_*`` families of ``/metrics``: the monitor's latest snapshot as Prometheus text.

A custom collector: nothing is stored in prometheus_client's own metrics; each render
turns `gateway.monitor.Monitor.snapshot` (read by the ``/metrics`` handler just before,
at most once per TTL) into families. Names follow postgres_exporter where it has one;
every per-object family is bounded by the lists' limits (``PLATFORM_MONITOR_*``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from gateway.monitor import Monitor
from ops.snapshot import Snapshot

#: Longest query text in a label (whitespace already collapsed by SQL).
QUERY_LABEL_CHARS = 100


class PostgresCollector(Collector):
    """The ``pg_*`` families of `/metrics`, from the monitor's latest snapshot."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor

    def describe(self) -> list[Metric]:
        return []  # families depend on the snapshot; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        snap = self.monitor.snapshot
        yield _gauge(
            "pg_up",
            "1 when the last reading of the statistics succeeded.",
            0 if snap is None else 1,
        )
        if snap is None:
            return
        yield _gauge(
            "pg_monitor_read_duration_seconds",
            "How long the last reading of the statistics took (SQL, one round trip).",
            snap.duration_seconds,
        )
        yield _gauge(
            "pg_monitor_snapshot_age_seconds",
            "Age of the statistics served (cached up to PLATFORM_MONITOR_CACHE_SECONDS).",
            max(0.0, time.time() - snap.taken_at),
        )
        yield from _activity(snap)
        yield from _database(snap)
        yield from _replication(snap)
        yield from _archiver(snap)
        yield from _tables(snap)
        yield from _statements(snap)


def _gauge(name: str, doc: str, value: float, labels: dict[str, str] | None = None) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=list(labels or {}))
    family.add_metric(list((labels or {}).values()), value)
    return family


def _counter(name: str, doc: str, value: float) -> Metric:
    return CounterMetricFamily(name, doc, value=value)


#: Every state pg_stat_activity reports, so a state at zero still has a series.
STATES = (
    "active",
    "idle",
    "idle in transaction",
    "idle in transaction (aborted)",
    "fastpath function call",
    "disabled",
)


def _activity(snap: Snapshot) -> Iterator[Metric]:
    counts = GaugeMetricFamily(
        "pg_stat_activity_count",
        "Client connections to this database by state.",
        labels=["state"],
    )
    by_state = {a.state: a.connections for a in snap.activity}
    for state in sorted(set(STATES) | set(by_state)):
        counts.add_metric([state], by_state.get(state, 0))
    yield counts
    oldest, longest = snap.oldest_transaction, snap.longest_query
    yield _gauge(
        "pg_stat_activity_max_tx_duration_seconds",
        "Age of the oldest open transaction in this database (0: none).",
        0.0 if oldest is None else oldest.oldest_xact_seconds or 0.0,
    )
    yield _gauge(
        "pg_stat_activity_max_query_duration_seconds",
        "Run time of the longest active query in this database (0: none).",
        0.0 if longest is None else longest.longest_query_seconds or 0.0,
    )
    yield _gauge(
        "pg_locks_waiting", "Sessions of this database waiting for a lock.", snap.locks_waiting
    )
    c = snap.connections
    yield _gauge(
        "pg_cluster_connections", "Client connections to the whole server.", c.client_connections
    )
    yield _gauge("pg_settings_max_connections", "max_connections.", c.max_connections)
    yield _gauge(
        "pg_connections_used_ratio",
        "Client connections / (max_connections - superuser_reserved_connections).",
        c.used_ratio,
    )


def _database(snap: Snapshot) -> Iterator[Metric]:
    db = snap.database
    yield _gauge("pg_database_size_bytes", "Size of this database on disk.", db.size_bytes)
    for name, doc, value in (
        ("pg_stat_database_xact_commit", "Transactions committed.", db.xact_commit),
        ("pg_stat_database_xact_rollback", "Transactions rolled back.", db.xact_rollback),
        ("pg_stat_database_blks_read", "Blocks read from disk (or the OS cache).", db.blks_read),
        ("pg_stat_database_blks_hit", "Blocks found in shared buffers.", db.blks_hit),
        ("pg_stat_database_deadlocks", "Deadlocks detected.", db.deadlocks),
        ("pg_stat_database_conflicts", "Queries cancelled by recovery conflicts.", db.conflicts),
        ("pg_stat_database_temp_bytes", "Bytes written to temporary files.", db.temp_bytes),
    ):
        yield _counter(name, doc + " (since the statistics were reset)", value)
    ratio = db.cache_hit_ratio
    yield _gauge(
        "pg_stat_database_cache_hit_ratio",
        "blks_hit / (blks_hit + blks_read) since the statistics were reset (1: no reads).",
        1.0 if ratio is None else ratio,
    )
    yield _gauge(
        "pg_database_frozen_xid_age",
        "age(datfrozenxid): transactions since this database was last frozen.",
        db.frozen_xid_age,
    )


def _replication(snap: Snapshot) -> Iterator[Metric]:
    r = snap.replication
    yield _gauge("pg_replication_is_replica", "1 on a standby, 0 on a primary.", int(r.is_replica))
    yield _gauge("pg_replication_replicas", "Standbys streaming from this server.", r.replicas)
    yield _gauge(
        "pg_replication_lag_bytes",
        "WAL bytes the most lagging standby has yet to replay (0: no standby).",
        r.max_replica_lag_bytes or 0.0,
    )
    if r.replay_delay_seconds is not None:
        yield _gauge(
            "pg_replication_replay_delay_seconds",
            "On a standby: time since the last replayed transaction committed.",
            r.replay_delay_seconds,
        )
    yield _gauge("pg_replication_slots", "Replication slots.", r.slots)
    yield _gauge(
        "pg_replication_slots_inactive", "Replication slots nobody streams from.", r.inactive_slots
    )
    yield _gauge(
        "pg_replication_slot_max_retained_bytes",
        "WAL bytes the slot furthest behind keeps on disk (0: no slot).",
        r.max_slot_retained_bytes or 0.0,
    )


def _archiver(snap: Snapshot) -> Iterator[Metric]:
    a = snap.archiver
    yield _gauge(
        "pg_stat_archiver_enabled",
        "1 when archive_mode is on.",
        int(a.enabled),
        {"mode": a.archive_mode},
    )
    yield _counter("pg_stat_archiver_archived_count", "WAL files archived.", a.archived_count)
    yield _counter("pg_stat_archiver_failed_count", "Failed WAL archive attempts.", a.failed_count)
    if a.last_archived_age_seconds is not None:
        yield _gauge(
            "pg_stat_archiver_last_archive_age_seconds",
            "Seconds since a WAL file was last archived.",
            a.last_archived_age_seconds,
        )
    yield _gauge(
        "pg_stat_archiver_pending_wal_files",
        "WAL files waiting to be archived.",
        a.pending_wal_files,
    )
    yield _gauge(
        "pg_stat_archiver_failing", "1 when the last WAL archive attempt failed.", int(a.failing)
    )


def _tables(snap: Snapshot) -> Iterator[Metric]:
    labels = ["schemaname", "relname"]
    size = GaugeMetricFamily(
        "pg_table_size_bytes",
        "Table size with indexes and TOAST (bounded list of tables).",
        labels=labels,
    )
    live = GaugeMetricFamily(
        "pg_stat_user_tables_n_live_tup", "Estimated live rows.", labels=labels
    )
    dead = GaugeMetricFamily(
        "pg_stat_user_tables_n_dead_tup", "Estimated dead rows.", labels=labels
    )
    vacuum_age = GaugeMetricFamily(
        "pg_table_vacuum_age_seconds",
        "Seconds since the last (auto)vacuum (absent: never).",
        labels=labels,
    )
    xid_age = GaugeMetricFamily(
        "pg_table_frozen_xid_age", "age(relfrozenxid) of the table.", labels=labels
    )
    now = snap.taken_at
    for t in snap.tables:
        key = [t.schema_name, t.table_name]
        size.add_metric(key, t.total_bytes)
        live.add_metric(key, t.live_tuples)
        dead.add_metric(key, t.dead_tuples)
        if t.frozen_xid_age is not None:
            xid_age.add_metric(key, t.frozen_xid_age)
        if t.vacuumed_at is not None:
            vacuum_age.add_metric(key, max(0.0, now - t.vacuumed_at.timestamp()))
    yield from (size, live, dead, vacuum_age, xid_age)

    seq = CounterMetricFamily(
        "pg_stat_user_tables_seq_scan",
        "Sequential scans of tables with at least PLATFORM_MONITOR_LARGE_TABLE_ROWS rows.",
        labels=labels,
    )
    seq_read = CounterMetricFamily(
        "pg_stat_user_tables_seq_tup_read",
        "Rows read by sequential scans of those tables.",
        labels=labels,
    )
    idx = CounterMetricFamily(
        "pg_stat_user_tables_idx_scan", "Index scans of those tables.", labels=labels
    )
    hint = GaugeMetricFamily(
        "pg_table_missing_index_hint",
        "1 when a large table's many whole-table scans hint at a missing index.",
        labels=labels,
    )
    for s in snap.seq_scans:
        key = [s.schema_name, s.table_name]
        seq.add_metric(key, s.seq_scan)
        seq_read.add_metric(key, s.seq_tup_read)
        idx.add_metric(key, s.idx_scan or 0)
        hint.add_metric(key, int(s.needs_index))
    yield from (seq, seq_read, idx, hint)

    bloat = GaugeMetricFamily(
        "pg_table_bloat_bytes",
        "Estimated bytes beyond the table's packed size (ioguide estimate).",
        labels=labels,
    )
    bloat_ratio = GaugeMetricFamily(
        "pg_table_bloat_ratio", "Estimated bloat as a fraction of the table's pages.", labels=labels
    )
    for b in snap.bloat:
        key = [b.schema_name, b.table_name]
        bloat.add_metric(key, b.bloat_bytes)
        bloat_ratio.add_metric(key, b.bloat_ratio)
    yield from (bloat, bloat_ratio)

    unused = GaugeMetricFamily(
        "pg_index_unused_bytes",
        "Size of indexes never scanned (neither unique nor primary, at least"
        " PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES).",
        labels=[*labels, "indexrelname"],
    )
    for i in snap.unused_indexes:
        unused.add_metric([i.schema_name, i.table_name, i.index_name], i.index_bytes)
    yield unused


def _statements(snap: Snapshot) -> Iterator[Metric]:
    yield _gauge(
        "pg_stat_statements_available",
        "1 when pg_stat_statements can be read; status says why not.",
        int(snap.statements_status == "available"),
        {"status": snap.statements_status},
    )
    labels = ["queryid", "query"]
    calls = CounterMetricFamily(
        "pg_stat_statements_calls",
        "Calls of the top PLATFORM_MONITOR_TOP_STATEMENTS statements by total time.",
        labels=labels,
    )
    seconds = CounterMetricFamily(
        "pg_stat_statements_seconds", "Total execution time of those statements.", labels=labels
    )
    mean = GaugeMetricFamily(
        "pg_stat_statements_mean_seconds", "Mean execution time of those statements.", labels=labels
    )
    rows = CounterMetricFamily(
        "pg_stat_statements_rows", "Rows those statements returned or affected.", labels=labels
    )
    for st in snap.statements:
        key = [str(st.queryid), _label(st.query)]
        calls.add_metric(key, st.calls)
        seconds.add_metric(key, st.total_exec_ms / 1000)
        mean.add_metric(key, st.mean_exec_ms / 1000)
        rows.add_metric(key, st.rows)
    yield from (calls, seconds, mean, rows)


def _label(query: str) -> str:
    return query if len(query) <= QUERY_LABEL_CHARS else query[: QUERY_LABEL_CHARS - 1] + "…"
