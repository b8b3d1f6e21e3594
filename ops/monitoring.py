"""Reading the database's statistics into a `Snapshot` (`ops.snapshot`).

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
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.numeric import FloatLoader

from ops.snapshot import (
    Activity,
    Archiver,
    Bloat,
    Connections,
    Database,
    Replication,
    SeqScan,
    Snapshot,
    Statement,
    StatementsStatus,
    Table,
    UnusedIndex,
)

if TYPE_CHECKING:
    from core.settings import Settings

#: The snapshot's row types live in `ops.snapshot`; `Snapshot` is read from here too.
__all__ = [
    "MONITOR_ROLE",
    "Limits",
    "Snapshot",
    "connect",
    "fetch",
    "fetch_async",
    "limits_from",
    "session_setup",
]

MONITOR_ROLE = "platform_monitor"


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
