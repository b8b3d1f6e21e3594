"""Is the database reachable? The probe behind ``GET /healthz``."""

from __future__ import annotations

import asyncio
import logging

import psycopg

logger = logging.getLogger(__name__)

#: Seconds a health probe may take before the database counts as down.
PROBE_SECONDS = 2


async def postgres_ok(url: str | None) -> bool:
    """True when ``url`` accepts a connection and answers ``select 1`` in `PROBE_SECONDS`."""
    if url is None:
        return False
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            conn = await psycopg.AsyncConnection.connect(
                url, autocommit=True, connect_timeout=PROBE_SECONDS
            )
            async with conn:
                await conn.execute("select 1")
    except (psycopg.Error, OSError, TimeoutError) as exc:
        logger.warning("health: postgres unreachable: %s", str(exc).strip() or type(exc).__name__)
        return False
    return True
