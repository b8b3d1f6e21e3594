"""For every loop that reconnects to Postgres: capped exponential backoff with jitter,
and closing the connection it gives up on."""

from __future__ import annotations

import logging
import random
from typing import Any

import psycopg

logger = logging.getLogger(__name__)

#: 1 s, 2 s, 4 s ... at most 30 s, each ±25 %.
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
BACKOFF_JITTER = 0.25


def backoff_seconds(failures: int) -> float:
    """How long to wait after ``failures`` consecutive failures (``failures >= 1``)."""
    delay: float = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2.0 ** min(failures - 1, 16))
    # Jitter spreads the reconnects of several gateways; not a security use of random.
    return delay * random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)  # noqa: S311


async def close_quietly(conn: psycopg.AsyncConnection[Any] | None, who: str) -> None:
    """Close ``conn`` if it is open; failing to close a broken connection is only logged."""
    if conn is None or conn.closed:
        return
    try:
        await conn.close()
    except (psycopg.Error, OSError):
        logger.debug("%s: closing a broken connection failed", who, exc_info=True)
