"""The storage service's connections as ``platform_jobs``: the file keeper and the
variant workers read queues and record results through storage_private functions
granted to that role. A small pool, opened on first use; one transaction per step."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5.0
AsyncConn = psycopg.AsyncConnection[tuple[Any, ...]]


class JobsDb:
    """Transactions as ``platform_jobs`` (URL from the data folder's secrets)."""

    def __init__(self, db_url: Callable[[], str | None], size: int = 3) -> None:
        self._db_url = db_url
        self._size = size
        self._pool: AsyncConnectionPool[AsyncConn] | None = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConn]:
        """One transaction, committed on a clean exit; driver errors propagate."""
        if self._pool is None:
            url = self._db_url()
            if url is None:
                raise OSError("no platform_jobs URL: the data folder has no secrets yet")
            pool: AsyncConnectionPool[AsyncConn] = AsyncConnectionPool(
                url,
                min_size=1,
                max_size=self._size,
                open=False,
                timeout=CONNECT_SECONDS,
                kwargs={"connect_timeout": int(CONNECT_SECONDS)},
                check=AsyncConnectionPool.check_connection,
                name="storage-jobs",
            )
            await pool.open(wait=False)
            self._pool = pool
        async with self._pool.connection() as conn, conn.transaction():
            yield conn

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
