"""The job scheduler: every tick, run ``platform.run_due_jobs()`` as ``platform_jobs``.

The schedule lives in SQL (``platform.jobs``): modules add their jobs in their own Sqitch
change, and the database decides what is due, locks it (``for update skip locked``, so
several gateways never run a job twice) and records each outcome. This loop only calls
the function on one reused autocommit connection, logs what ran, and reconnects with
capped exponential backoff and jitter when the database is away. pg_cron is not used: it
lives in one database of a cluster, and every test database here is a clone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

from gateway.backoff import backoff_seconds, close_quietly
from ops.jobs import MAX_JOBS, RUN_DUE_JOBS, JobRun

logger = logging.getLogger(__name__)

#: Seconds to wait for a connection.
CONNECT_SECONDS = 5
#: Seconds one tick may take; above platform_jobs' 60 s statement timeout on purpose.
TICK_TIMEOUT_SECONDS = 90
AsyncConn = psycopg.AsyncConnection[tuple[Any, ...]]


class Scheduler:
    """Runs due jobs every ``tick_seconds`` (0 disables it) through the URL ``db_url()``."""

    def __init__(self, db_url: Callable[[], str | None], tick_seconds: float) -> None:
        self._db_url = db_url
        self.tick_seconds = tick_seconds
        self.last_tick_ok = False
        self.last_tick_at: datetime | None = None
        self._conn: AsyncConn | None = None

    @property
    def enabled(self) -> bool:
        return self.tick_seconds > 0

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports about the scheduler."""
        return {
            "enabled": self.enabled,
            "last_tick_ok": self.last_tick_ok,
            "last_tick_at": None if self.last_tick_at is None else self.last_tick_at.isoformat(),
        }

    async def run(self) -> None:
        """Tick until cancelled; a failed tick never ends the loop, it only backs off."""
        logger.info("scheduler: running due jobs every %gs", self.tick_seconds)
        failures = 0
        try:
            while True:
                try:
                    await self.tick()
                except Exception as exc:
                    failures += 1
                    delay = max(self.tick_seconds, backoff_seconds(failures))
                    expected = isinstance(exc, psycopg.Error | OSError | TimeoutError)
                    logger.log(
                        logging.WARNING if expected else logging.ERROR,
                        "scheduler: cannot run due jobs (%s); retrying in %.1fs",
                        _describe(exc),
                        delay,
                        exc_info=not expected,  # a bug here deserves its traceback
                    )
                else:
                    failures = 0
                    delay = self.tick_seconds
                await asyncio.sleep(delay)
        finally:
            await self._disconnect()
            logger.info("scheduler: stopped")

    async def tick(self) -> list[JobRun]:
        """Run the due jobs once and log each outcome; on failure drop the connection."""
        try:
            async with asyncio.timeout(TICK_TIMEOUT_SECONDS):
                runs = await self._run_due_jobs()
        except Exception:
            await self._disconnect()
            self._record(ok=False)
            raise
        for run in runs:
            if run.ok:
                logger.info("job %s: ok in %.1f ms", run.name, run.duration_ms)
            else:
                logger.warning(
                    "job %s: failed after %.1f ms: %s", run.name, run.duration_ms, run.error
                )
        self._record(ok=True)
        return runs

    async def _run_due_jobs(self) -> list[JobRun]:
        conn = await self._connection()
        async with conn.cursor(row_factory=class_row(JobRun)) as cur:
            await cur.execute(RUN_DUE_JOBS, (MAX_JOBS,))
            return await cur.fetchall()

    async def _connection(self) -> AsyncConn:
        if self._conn is None or self._conn.closed:
            url = self._db_url()
            if url is None:
                raise OSError("no platform_jobs URL: the data folder has no secrets yet")
            self._conn = await psycopg.AsyncConnection.connect(
                url, autocommit=True, connect_timeout=CONNECT_SECONDS
            )
        return self._conn

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        await close_quietly(conn, "scheduler")

    def _record(self, *, ok: bool) -> None:
        self.last_tick_ok = ok
        self.last_tick_at = datetime.now(UTC)


def _describe(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__
