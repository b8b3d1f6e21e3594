"""Reading the events outbox in commit order, woken by LISTEN, and replaying it on resume.

Two connections as ``platform_jobs``, both autocommit and never pooled:

* the *listener* runs ``LISTEN platform_events`` and ``LISTEN platform_sessions``; a
  notification only wakes the reader (payloads are empty or a session id);
* the *reader* numbers committed events (``events.sequence_pending()``: commit order,
  gap-free, see schema/core/events_outbox; it also builds the events of captured
  statements) and reads ``events.messages(after, ...)`` past the hub's position, then
  hands them to the hub. It also polls every ``poll_seconds``, so a lost notification
  delays delivery by at most that much, never loses it. While events keep coming it
  reads every ``read_interval_seconds`` and holds a poll lease, so writers skip NOTIFY
  (gateway/poll_lease.py).

Both reconnect with capped exponential backoff and jitter. The position lives in the
hub, so after Postgres comes back reading resumes exactly where dispatch stopped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import psycopg

from gateway import frames
from gateway.backoff import backoff_seconds, close_quietly
from gateway.hub import Event, Hub
from gateway.poll_lease import PollLease

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5
EVENTS_CHANNEL = "platform_events"
SESSIONS_CHANNEL = "platform_sessions"
#: Events read per round trip.
BATCH = 2000

AsyncConn = psycopg.AsyncConnection[tuple[Any, ...]]
Row = tuple[int, str, list[str], datetime, str]


class Outbox:
    """Keeps the hub fed with every committed event, in commit order."""

    def __init__(
        self,
        db_url: Callable[[], str | None],
        hub: Hub,
        *,
        poll_seconds: float,
        read_interval_seconds: float,
    ) -> None:
        self._db_url = db_url
        self.hub = hub
        self.poll_seconds = poll_seconds
        self.read_interval_seconds = read_interval_seconds
        self._wake = asyncio.Event()
        #: Set when a session was revoked (NOTIFY platform_sessions): sweep now.
        self.sessions_changed = asyncio.Event()
        self._reader: AsyncConn | None = None
        #: The reader's backend: its own 'sequenced' notifications wake nobody.
        self._reader_pid: int | None = None
        self._lock = asyncio.Lock()  # one statement at a time on the reader connection
        self.lease = PollLease(read_interval_seconds)
        self.listening = False
        self.started = False
        self.last_read_at: float | None = None
        self.last_lag_seconds: float | None = None
        self.pending = 0

    # --- loops ------------------------------------------------------------------------

    async def listen(self) -> None:
        """Hold the LISTEN connection; set the wake-up on every notification."""
        failures = 0
        while True:
            try:
                conn = await self._connect()
                async with conn:
                    await conn.execute(f"listen {EVENTS_CHANNEL}")
                    await conn.execute(f"listen {SESSIONS_CHANNEL}")
                    self.listening = True
                    self.hub.metrics.listener_up.set(1)
                    failures = 0
                    self._wake.set()  # read what committed while we were away
                    async for note in conn.notifies():
                        if note.channel == SESSIONS_CHANNEL:
                            self.sessions_changed.set()
                        elif note.pid != self._reader_pid:
                            self._wake.set()
            except (psycopg.Error, OSError) as exc:
                logger.warning("realtime listener: %s; reconnecting", _say(exc))
            finally:
                self.listening = False
                self.hub.metrics.listener_up.set(0)
            failures += 1
            await asyncio.sleep(backoff_seconds(failures))

    async def read(self) -> None:
        """Dispatch new events whenever woken, or every ``poll_seconds``; when events
        keep arriving, at most every ``read_interval_seconds``."""
        failures = 0
        while True:
            # Holding the poll lease (or settling it), read every read interval: writers
            # may have skipped their NOTIFY.
            wait = self.read_interval_seconds if self.lease.polling else self.poll_seconds
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            started = time.monotonic()
            try:
                dispatched = await self.drain()
                if await self.lease.after_read(self._query, dispatched):
                    await self.drain()
                failures = 0
                # Under load (events committed while this read ran), read at most
                # every read_interval: the events of the interval come in one read
                # and leave in one write per client. Otherwise read on the next wake.
                rest = self.read_interval_seconds - (time.monotonic() - started)
                if rest > 0 and self._wake.is_set():
                    await asyncio.sleep(rest)
            except (psycopg.Error, OSError) as exc:
                failures += 1
                delay = backoff_seconds(failures)
                logger.warning("realtime reader: %s; retrying in %.1f s", _say(exc), delay)
                self.lease.lost()
                await self._disconnect()
                await asyncio.sleep(delay)
            except Exception:
                # A bug must not stop delivery for everyone: log it loudly and go on.
                failures += 1
                logger.exception("realtime reader: unexpected error; retrying")
                await asyncio.sleep(backoff_seconds(failures))

    async def drain(self) -> int:
        """Sequence committed events and dispatch everything past the position."""
        dispatched = 0
        async with self._lock:
            conn = await self._connection()
            cur = await conn.execute("select events.sequence_pending()")
            row = await cur.fetchone()
            last = int(row[0]) if row is not None else 0
            if not self.started:
                # Live from here; clients that were away resume with `since`.
                self.hub.position = max(self.hub.position, last)
                self.started = True
            while self.hub.position < last:
                cur = await conn.execute(
                    "select seq, topic, keys, created_at, message from events.messages(%s, %s, %s)",
                    (self.hub.position, BATCH, last),
                )
                rows: list[Row] = await cur.fetchall()
                if not rows:
                    break
                events = [_event(r) for r in rows]
                self.hub.dispatch(events)
                dispatched += len(events)
                self.last_lag_seconds = time.time() - events[-1].created_at
            self.pending = max(0, last - self.hub.position)
            self.hub.metrics.pending_events.set(self.pending)
            self.last_read_at = time.time()
        return dispatched

    # --- questions for resuming clients and the session sweep --------------------------

    async def cursor_status(self, after: int) -> str | None:
        async with self._lock:
            conn = await self._connection()
            cur = await conn.execute("select events.cursor_status(%s)", (after,))
            row = await cur.fetchone()
        return None if row is None or row[0] is None else str(row[0])

    async def replay(self, topic: str, after: int, upto: int, keys: frozenset[str]) -> list[Event]:
        """Events of ``topic`` with ``after < seq <= upto`` that SQL (``events.replay``)
        sends a caller holding ``keys``: addressed to it, about rows it may still see
        now, and the withdrawal notices of rows it no longer may. At most `BATCH`."""
        async with self._lock:
            conn = await self._connection()
            cur = await conn.execute(
                "select seq, topic, keys, created_at, message"
                " from events.replay(%s, %s, %s, %s, %s)",
                (after, BATCH, topic, upto, sorted(keys)),
            )
            rows: list[Row] = await cur.fetchall()
        return [_event(r) for r in rows]

    async def ended_sessions(self, session_ids: list[str]) -> set[str]:
        if not session_ids:
            return set()
        async with self._lock:
            conn = await self._connection()
            cur = await conn.execute(
                "select s::text from auth.ended_sessions(%s::uuid[]) s", (session_ids,)
            )
            return {str(r[0]) for r in await cur.fetchall()}

    async def _query(self, query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """One statement on the reader connection (the poll lease's)."""
        async with self._lock:
            conn = await self._connection()
            cur = await conn.execute(query, params)
            return await cur.fetchall() if cur.description else []

    async def close(self) -> None:
        if self.lease.held and self._reader is not None and not self._reader.closed:
            try:  # writers notify again at once, not when the lease lapses
                await self._query("select events.release_lease(%s)", (self.lease.poller,))
            except (psycopg.Error, OSError) as exc:
                logger.info("realtime reader: lease not released (%s); it lapses", _say(exc))
        await self._disconnect()

    # --- connections ------------------------------------------------------------------

    async def _connect(self) -> AsyncConn:
        url = self._db_url()
        if url is None:
            raise OSError("no platform_jobs URL: the data folder has no secrets yet")
        return await psycopg.AsyncConnection.connect(
            url, autocommit=True, connect_timeout=CONNECT_SECONDS
        )

    async def _connection(self) -> AsyncConn:
        if self._reader is None or self._reader.closed:
            self._reader = await self._connect()
            self._reader_pid = self._reader.info.backend_pid
        return self._reader

    async def _disconnect(self) -> None:
        conn, self._reader = self._reader, None
        await close_quietly(conn, "realtime reader")


def _event(row: Row) -> Event:
    seq, topic, keys, created_at, message = row
    return Event(
        seq, topic, frozenset(keys), created_at.timestamp(), message, frames.prepare(message)
    )


def _say(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__
