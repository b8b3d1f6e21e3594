"""Reading the database's statistics, and judging them against the thresholds.

The figures come from the SQL functions of the ``monitoring`` schema
(``db/functions/monitoring.sql``), read as ``platform_monitor`` (the gateway's
``platform_jobs`` switches to it with ``set role``). One `Snapshot` is every function's
rows, read in one round trip (a pipeline); `/metrics`, `/healthz` and
``inv monitor.report`` all read the same snapshot; `ops.thresholds.breaches` is the one place the
thresholds of `Settings` are applied.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.numeric import FloatLoader

if TYPE_CHECKING:
    from core.settings import Settings

MONITOR_ROLE = "platform_monitor"


@dataclass(frozen=True)
class Activity:
    state: str
    connections: int
    oldest_xact_seconds: float | None
    oldest_xact_pid: int | None
    longest_query_seconds: float | None
    longest_query_pid: int | None
    waiting_on_lock: int


@dataclass(frozen=True)
class Connections:
    client_connections: int
    max_connections: int
    reserved_connections: int

    @property
    def usable(self) -> int:
        return max(self.max_connections - self.reserved_connections, 1)

    @property
    def used_ratio(self) -> float:
        return self.client_connections / self.usable


@dataclass(frozen=True)
class Database:
    database_name: str
    size_bytes: int
    xact_commit: int
    xact_rollback: int
    blks_read: int
    blks_hit: int
    deadlocks: int
    conflicts: int
    temp_bytes: int
    frozen_xid_age: int
    stats_reset: datetime | None

    @property
    def cache_hit_ratio(self) -> float | None:
        asked = self.blks_hit + self.blks_read
        return None if asked == 0 else self.blks_hit / asked


@dataclass(frozen=True)
class Replication:
    is_replica: bool
    replicas: int
    max_replica_lag_bytes: float | None
    replay_delay_seconds: float | None
    slots: int
    inactive_slots: int
    max_slot_retained_bytes: float | None


@dataclass(frozen=True)
class Archiver:
    archive_mode: str
    archived_count: int
    failed_count: int
    last_archived_wal: str | None
    last_archived_age_seconds: float | None
    last_failed_wal: str | None
    last_failed_age_seconds: float | None
    pending_wal_files: int
    failing: bool

    @property
    def enabled(self) -> bool:
        return self.archive_mode != "off"


@dataclass(frozen=True)
class Table:
    schema_name: str
    table_name: str
    total_bytes: int
    table_bytes: int
    live_tuples: int
    dead_tuples: int
    seq_scan: int
    seq_tup_read: int
    idx_scan: int | None
    last_vacuum: datetime | None
    last_autovacuum: datetime | None
    last_analyze: datetime | None
    last_autoanalyze: datetime | None
    frozen_xid_age: int | None  # None: a partitioned table (its partitions have one)

    @property
    def name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"

    @property
    def dead_ratio(self) -> float:
        rows = self.live_tuples + self.dead_tuples
        return 0.0 if rows == 0 else self.dead_tuples / rows

    @property
    def vacuumed_at(self) -> datetime | None:
        return latest(self.last_vacuum, self.last_autovacuum)

    @property
    def analyzed_at(self) -> datetime | None:
        return latest(self.last_analyze, self.last_autoanalyze)


@dataclass(frozen=True)
class SeqScan:
    schema_name: str
    table_name: str
    live_tuples: int
    seq_scan: int
    seq_tup_read: int
    idx_scan: int | None
    rows_per_seq_scan: int
    needs_index: bool

    @property
    def name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


@dataclass(frozen=True)
class UnusedIndex:
    schema_name: str
    table_name: str
    index_name: str
    index_bytes: int


@dataclass(frozen=True)
class Bloat:
    schema_name: str
    table_name: str
    table_bytes: float
    expected_bytes: float
    bloat_bytes: float
    bloat_ratio: float

    @property
    def name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


@dataclass(frozen=True)
class Statement:
    queryid: int
    query: str
    calls: int
    total_exec_ms: float
    mean_exec_ms: float
    rows: int
    shared_blks_hit: int
    shared_blks_read: int


@dataclass(frozen=True)
class StatementsStatus:
    status: str  # available, not installed, not preloaded, not permitted


@dataclass(frozen=True)
class Snapshot:
    """Everything the monitoring functions answered at one moment."""

    taken_at: float
    duration_seconds: float
    activity: list[Activity]
    connections: Connections
    database: Database
    replication: Replication
    archiver: Archiver
    tables: list[Table]
    seq_scans: list[SeqScan]
    unused_indexes: list[UnusedIndex]
    bloat: list[Bloat]
    statements: list[Statement]
    statements_status: str

    @property
    def age_seconds(self) -> float:
        return max(0.0, time.time() - self.taken_at)

    @property
    def oldest_transaction(self) -> Activity | None:
        aged = [a for a in self.activity if a.oldest_xact_seconds is not None]
        return max(aged, key=lambda a: a.oldest_xact_seconds or 0.0) if aged else None

    @property
    def longest_query(self) -> Activity | None:
        aged = [a for a in self.activity if a.longest_query_seconds is not None]
        return max(aged, key=lambda a: a.longest_query_seconds or 0.0) if aged else None

    @property
    def locks_waiting(self) -> int:
        return sum(a.waiting_on_lock for a in self.activity)


@dataclass(frozen=True)
class Limits:
    """How long the lists may get; from `Settings` (`limits_from`)."""

    top_statements: int = 20
    max_tables: int = 50
    large_table_rows: int = 10_000
    unused_index_min_bytes: int = 1 << 20


def limits_from(settings: Settings) -> Limits:
    return Limits(
        top_statements=settings.monitor_top_statements,
        max_tables=settings.monitor_max_tables,
        large_table_rows=settings.monitor_large_table_rows,
        unused_index_min_bytes=settings.monitor_unused_index_min_bytes,
    )


@dataclass(frozen=True)
class _Query:
    name: str
    sql: str
    row: type[Any]
    params: tuple[int, ...] = ()
    many: bool = False


def _queries(limits: Limits) -> list[_Query]:
    return [
        _Query("activity", "select * from monitoring.activity()", Activity, many=True),
        _Query("connections", "select * from monitoring.connections()", Connections),
        _Query("database", "select * from monitoring.database()", Database),
        _Query("replication", "select * from monitoring.replication()", Replication),
        _Query("archiver", "select * from monitoring.archiver()", Archiver),
        _Query("tables", "select * from monitoring.tables(%s)", Table, (limits.max_tables,), True),
        _Query(
            "seq_scans",
            "select * from monitoring.seq_scans(%s, %s)",
            SeqScan,
            (limits.large_table_rows, limits.max_tables),
            True,
        ),
        _Query(
            "unused_indexes",
            "select * from monitoring.unused_indexes(%s, %s)",
            UnusedIndex,
            (limits.unused_index_min_bytes, limits.max_tables),
            True,
        ),
        _Query(
            "bloat", "select * from monitoring.table_bloat(%s)", Bloat, (limits.max_tables,), True
        ),
        _Query(
            "statements",
            "select * from monitoring.statements(%s)",
            Statement,
            (limits.top_statements,),
            True,
        ),
        _Query(
            "statements_status",
            "select monitoring.statements_status() as status",
            StatementsStatus,
        ),
    ]


def session_setup(
    conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any], statement_timeout_seconds: float
) -> list[str]:
    """Prepare a monitoring connection; return the statements it must run once.

    The statements take the monitor role and bound every query; numeric columns
    (sizes, WAL distances) are read as floats.
    """
    conn.adapters.register_loader("numeric", FloatLoader)
    timeout_ms = max(1, int(statement_timeout_seconds * 1000))
    return [f"set role {MONITOR_ROLE}", f"set statement_timeout = {timeout_ms}"]


def connect(url: str, statement_timeout_seconds: float) -> psycopg.Connection[Any]:
    """A synchronous monitoring connection (``inv monitor.report``)."""
    conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    for statement in session_setup(conn, statement_timeout_seconds):
        conn.execute(statement)
    return conn


def fetch(conn: psycopg.Connection[Any], limits: Limits) -> Snapshot:
    """Read every monitoring function in one round trip (``conn`` set up by `session_setup`)."""
    started = time.perf_counter()
    queries = _queries(limits)
    with conn.pipeline():
        cursors = []
        for query in queries:
            cur = conn.cursor(row_factory=class_row(query.row))
            cur.execute(query.sql, query.params)
            cursors.append(cur)
    return _snapshot(queries, [cur.fetchall() for cur in cursors], started)


async def fetch_async(conn: psycopg.AsyncConnection[Any], limits: Limits) -> Snapshot:
    """`fetch` on an asyncio connection (the gateway's)."""
    started = time.perf_counter()
    queries = _queries(limits)
    async with conn.pipeline():
        cursors = []
        for query in queries:
            cur = conn.cursor(row_factory=class_row(query.row))
            await cur.execute(query.sql, query.params)
            cursors.append(cur)
    return _snapshot(queries, [await cur.fetchall() for cur in cursors], started)


def _snapshot(queries: Sequence[_Query], results: Sequence[list[Any]], started: float) -> Snapshot:
    values: dict[str, Any] = {}
    for query, rows in zip(queries, results, strict=True):
        values[query.name] = rows if query.many else rows[0]
    status: StatementsStatus = values.pop("statements_status")
    return Snapshot(
        taken_at=time.time(),
        duration_seconds=time.perf_counter() - started,
        statements_status=status.status,
        **values,
    )


# --- formatting helpers shared by the thresholds, backups and the report --------------


def latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def mib(n: float) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    return human_seconds(seconds)


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def human_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
