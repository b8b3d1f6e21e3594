"""What one reading of the database's statistics holds: a `Snapshot` of typed rows.

One dataclass per function of the ``monitoring`` schema (``db/functions/monitoring.sql``),
its fields named like the function's columns; `ops.monitoring` reads them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from ops.units import latest


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
