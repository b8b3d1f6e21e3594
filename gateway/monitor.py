"""The database's statistics for ``/metrics`` and ``/healthz``, read at most once per TTL.

`Monitor` keeps one autocommit connection as ``platform_jobs`` switched to
``platform_monitor`` (``set role``; see ``db/schema/monitoring.sql``), with a statement
timeout. A scrape or a health check calls `Monitor.refresh`: within
``PLATFORM_MONITOR_CACHE_SECONDS`` of the last reading it answers from memory, and
concurrent callers wait for the one reading in flight instead of each querying the
database. `gateway.pg_metrics.PostgresCollector` turns the latest snapshot into
Prometheus families when the registry is rendered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import psycopg

from core.settings import Settings
from gateway.backoff import close_quietly
from ops import monitoring, thresholds
from ops.snapshot import Snapshot
from ops.thresholds import Breach

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5
#: How the metrics connection shows in pg_stat_activity.
APPLICATION_NAME = "platform gateway monitor"
AsyncConn = psycopg.AsyncConnection[Any]


class Monitor:
    """Reads `ops.monitoring.Snapshot` through ``db_url()``; caches it (or the failure)."""

    def __init__(self, settings: Settings, db_url: Callable[[], str | None]) -> None:
        self.settings = settings
        self._db_url = db_url
        self._limits = monitoring.limits_from(settings)
        self._lock = asyncio.Lock()
        self._conn: AsyncConn | None = None
        self._read_at: float | None = None  # monotonic time of the last attempt
        self.snapshot: Snapshot | None = None
        self.error: str | None = None
        self._statements_status: str | None = None

    async def refresh(self) -> Snapshot | None:
        """The snapshot, read now unless the last reading is fresh; None when it failed."""
        if self._fresh():
            return self.snapshot
        async with self._lock:
            if self._fresh():  # another caller read it while we waited
                return self.snapshot
            try:
                async with asyncio.timeout(
                    CONNECT_SECONDS + 2 * self.settings.monitor_statement_timeout_seconds
                ):
                    conn = await self._connection()
                    self.snapshot = await monitoring.fetch_async(conn, self._limits)
                self.error = None
                self._note_statements(self.snapshot.statements_status)
            except (psycopg.Error, OSError, TimeoutError) as exc:
                self.snapshot = None
                self.error = str(exc).strip() or type(exc).__name__
                logger.warning("monitor: cannot read the statistics: %s", self.error)
                await self._disconnect()
            except asyncio.CancelledError:
                await self._disconnect()  # a pipeline cut short leaves the connection unusable
                raise
            finally:
                self._read_at = time.monotonic()
        return self.snapshot

    def breaches(self) -> list[Breach]:
        """The thresholds the latest snapshot crosses."""
        if self.snapshot is None:
            return []
        return thresholds.breaches(self.snapshot, self.settings)

    async def close(self) -> None:
        await self._disconnect()

    def _fresh(self) -> bool:
        return (
            self._read_at is not None
            and time.monotonic() - self._read_at < self.settings.monitor_cache_seconds
        )

    def _note_statements(self, status: str) -> None:
        if status != self._statements_status:
            if status != "available":
                logger.warning(
                    "monitor: pg_stat_statements is %s: no top statements in /metrics "
                    "(the embedded cluster preloads it; restart it with `inv down && inv up`)",
                    status,
                )
            self._statements_status = status

    async def _connection(self) -> AsyncConn:
        if self._conn is None or self._conn.closed:
            url = self._db_url()
            if url is None:
                raise OSError("no platform_jobs URL: the data folder has no secrets yet")
            conn = await psycopg.AsyncConnection.connect(
                url,
                autocommit=True,
                connect_timeout=CONNECT_SECONDS,
                application_name=APPLICATION_NAME,
            )
            try:
                setup = monitoring.session_setup(
                    conn, self.settings.monitor_statement_timeout_seconds
                )
                for statement in setup:
                    await conn.execute(statement)
            except BaseException:
                await conn.close()
                raise
            self._conn = conn
        return self._conn

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        await close_quietly(conn, "monitor")
