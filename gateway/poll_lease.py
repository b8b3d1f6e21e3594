"""The poll lease: while the reader polls the outbox anyway, writers skip NOTIFY.

A NOTIFY makes PostgreSQL commit the transactions that sent one one at a time
(decision 0021). When events keep coming, the reader reads every ``read_interval``
regardless, so it holds a lease in ``events.pollers`` (``events.hold_lease``) and the
capture triggers send NOTIFY only while no lease is valid. After ``IDLE_READS`` empty
reads in a row it gives the lease up (``events.release_lease``), notes the transactions
writing at that moment and keeps polling until all of them have ended, since any of them
may have seen the lease and skipped its NOTIFY; then it reads once more and goes back to
sleeping on LISTEN. A lease lapses by itself when the gateway stops renewing it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import psycopg

logger = logging.getLogger(__name__)

#: Empty reads in a row (at the read interval) before the lease is given up.
IDLE_READS = 4
#: The shortest lease; renewed when half of it has passed.
MIN_LEASE_SECONDS = 2.0

Query = Callable[[str, Sequence[Any]], Awaitable[list[tuple[Any, ...]]]]


def poller_id() -> str:
    """This gateway process, as ``events.pollers`` names it."""
    return f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"[:200]


class PollLease:
    """Whether this reader promises to poll, and the writers it still waits for."""

    def __init__(self, read_interval_seconds: float, poller: str | None = None) -> None:
        #: Without a read interval the reader never polls on its own: no lease.
        self.enabled = read_interval_seconds > 0
        self.seconds = max(MIN_LEASE_SECONDS, 8 * read_interval_seconds)
        self.poller = poller or poller_id()
        self.held = False
        self._renewed_at = 0.0
        self._empty_reads = 0
        #: Transactions (xid8 as text) writing when the lease was given up; None: none.
        self._settling: list[str] | None = None

    @property
    def polling(self) -> bool:
        """True while the reader must read every read interval, woken or not."""
        return self.held or self._settling is not None

    async def after_read(self, query: Query, dispatched: int) -> bool:
        """Hold, renew or give up the lease after a read that dispatched ``dispatched``
        events. True when one more read is due now: the writers that may have skipped
        their NOTIFY have all ended."""
        if not self.enabled:
            return False
        if dispatched > 0:
            self._empty_reads = 0
            now = time.monotonic()
            if not self.held or now - self._renewed_at > self.seconds / 2:
                try:
                    await query("select events.hold_lease(%s, %s)", (self.poller, self.seconds))
                except psycopg.errors.UndefinedFunction:
                    # A database from before the lease (the gateway was upgraded first).
                    logger.warning("events.hold_lease() is missing: writers keep notifying"
                                   " until `inv db.deploy` brings it")  # fmt: skip
                    self.enabled = False
                    return False
                if not self.held:
                    logger.debug("poll lease taken: writers skip NOTIFY")
                self.held, self._renewed_at, self._settling = True, now, None
            return False
        self._empty_reads += 1
        if self.held and self._empty_reads >= IDLE_READS:
            await query("select events.release_lease(%s)", (self.poller,))
            self.held = False
            # After the release committed: whoever writes from now on sees no lease.
            rows = await query(
                "select coalesce(array_agg(x::text), '{}')"
                " from pg_snapshot_xip(pg_current_snapshot()) x",
                (),
            )
            self._settling = list(rows[0][0])
            logger.debug("poll lease given up; waiting for %d writers", len(self._settling))
        if self._settling is None:
            return False
        if self._settling:
            rows = await query(
                "select coalesce(array_agg(x::text), '{}') from unnest(%s::xid8[]) x"
                " where pg_xact_status(x) = 'in progress'",
                (self._settling,),
            )
            self._settling = list(rows[0][0])
        if self._settling:
            return False
        self._settling = None
        return True

    def lost(self) -> None:
        """The connection broke: a lease may still stand in the database until it lapses,
        so the next empty read gives it up and settles again."""
        if self.polling:
            self.held, self._settling = True, None
            self._empty_reads = IDLE_READS - 1
