"""The storage workers' loop: run a step when woken (a nudge, a NOTIFY) or every
``poll_seconds`` anyway, backing off while the database or the folder fails."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import psycopg

from gateway.backoff import backoff_seconds

logger = logging.getLogger(__name__)


async def run_when_woken(
    wake: asyncio.Event, poll_seconds: float, step: Callable[[], Awaitable[object]], name: str
) -> None:
    """Forever: wait for ``wake`` (at most ``poll_seconds``), clear it, run ``step``."""
    failures = 0
    while True:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(poll_seconds):
                await wake.wait()
        wake.clear()
        try:
            await step()
            failures = 0
        except (psycopg.Error, OSError) as exc:
            failures += 1
            logger.warning("%s: %s; retrying", name, exc)
            await asyncio.sleep(backoff_seconds(failures))
