"""The ``/realtime`` WebSocket service: one session per connection, plus its background loops.

A connection starts anonymous, with ``?token=`` (or an ``Authorization`` header), or
signed in by the access cookie of a cookie session, from an allowed Origin
(`gateway.request_auth`: SQL's cookie rule); ``auth`` replaces its identity on the same
socket (every subscription is authorized again). A cookie session's socket closes when its
access token expires, like any other: the page refreshes its cookies and reconnects with
``since``. ``subscribe`` is authorized by SQL as the caller (`gateway.rights`); with
``since`` the missed events of that topic are replayed from the outbox (or ``resync`` is
sent when they were pruned) before live ones. SQL chooses what a replay sends
(``events.replay``, given the caller's keys): only rows the caller may still see now, and
withdrawal notices for those it no longer may. Connections are capped in all and per
client address at the upgrade (`gateway.limits`).

Background loops: the outbox listener and reader (`gateway.outbox`), and the session
sweep, which closes sockets whose session was revoked (at once, on NOTIFY
``platform_sessions``) or ended (every ``session_check`` seconds). A token's expiry closes
its socket when PostgREST stops accepting it (``exp`` plus the clock skew,
`gateway.tokens`) unless the client re-authenticates first.

Shutdown drains: committed events are read and written one last time and the send
buffers flushed (at most ``drain_seconds``) before sockets close with 1001.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

import psycopg
from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request

from core.settings import Settings
from gateway import protocol
from gateway.hub import Client, Hub, Subscription
from gateway.limits import ANSWERS, Limits
from gateway.metrics import Metrics
from gateway.outbox import BATCH, Outbox
from gateway.protocol import ProtocolError
from gateway.request_auth import RequestAuth, http_status
from gateway.rights import Principal, Rights

logger = logging.getLogger(__name__)

#: What talking to Postgres may raise; each becomes an `unavailable` error for the client.
DRIVER_ERRORS = (psycopg.Error, OSError, TimeoutError)


class Realtime:
    """Everything behind ``/realtime``; `start` its loops, `stop` drains them."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs_url: Callable[[], str | None],
        authenticator_url: Callable[[], str | None],
        jwt_secret: Callable[[], str | None],
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.hub = Hub(
            metrics, settings.realtime_client_buffer_bytes, settings.realtime_max_subscriptions
        )
        self.limits = Limits(
            metrics,
            settings.realtime_max_connections,
            settings.realtime_max_connections_per_address,
        )
        self.rights = Rights(authenticator_url)
        self.auth = RequestAuth(self.rights, jwt_secret)
        self.outbox = Outbox(
            jobs_url,
            self.hub,
            poll_seconds=settings.realtime_poll_seconds,
            read_interval_seconds=settings.realtime_read_interval_seconds,
        )
        self._tasks: list[asyncio.Task[None]] = []
        # Weak: a connection whose upgrade fails after the check never reaches `serve`.
        self._handshakes: weakref.WeakKeyDictionary[ServerConnection, Principal] = (
            weakref.WeakKeyDictionary()
        )
        self.stopping = False

    # --- life cycle -------------------------------------------------------------------

    def start(self) -> None:
        for name, loop in (
            ("realtime-listener", self.outbox.listen),
            ("realtime-reader", self.outbox.read),
            ("realtime-sessions", self._sweep_sessions),
        ):
            self._tasks.append(asyncio.create_task(loop(), name=name))

    async def stop(self) -> None:
        """Read and send what has committed, flush send buffers, stop the loops."""
        self.stopping = True
        deadline = time.monotonic() + self.settings.realtime_drain_seconds
        try:
            async with asyncio.timeout(self.settings.realtime_drain_seconds):
                await self.outbox.drain()
        except DRIVER_ERRORS as exc:
            logger.warning("realtime: final read skipped: %s", exc)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        # Transports signal nothing when their buffer empties: poll it briefly.
        while self.hub.buffered_bytes() > 0 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await self.rights.close()
        await self.outbox.close()

    def health(self) -> dict[str, Any]:
        outbox = self.outbox
        read_age = None if outbox.last_read_at is None else time.time() - outbox.last_read_at
        stale = read_age is None or read_age > 3 * self.settings.realtime_poll_seconds + 5
        return {
            "ok": outbox.listening and not stale,
            "listening": outbox.listening,
            "polling": outbox.lease.polling,  # holding the poll lease: writers skip NOTIFY
            "position": self.hub.position,
            "pending_events": outbox.pending,
            "last_read_age_seconds": None if read_age is None else round(read_age, 3),
            "lag_seconds": None
            if outbox.last_lag_seconds is None
            else round(outbox.last_lag_seconds, 3),
            "connections": len(self.hub.clients),
        }

    # --- handshake and connection -----------------------------------------------------

    async def handshake(
        self, connection: ServerConnection, request: Request
    ) -> tuple[int, str] | None:
        """Check the connection caps and who the caller is before the upgrade; an (HTTP
        status, body) pair refuses it."""
        if self.stopping:
            return 503, protocol.error("unavailable", "the gateway is shutting down")
        refusal = self.limits.admit(connection)  # before any await: no overshoot
        if refusal is not None:
            status, code = ANSWERS[refusal]
            if refusal == "total":
                message = f"the gateway is full ({self.limits.max_total} connections); retry later"
            else:
                message = f"at most {self.limits.max_per_address} connections per client address"
            return status, protocol.error(code, message)
        try:
            token = await self.auth.authenticate("GET", request.path, request.headers.raw_items())
            self._handshakes[connection] = await self.rights.principal(token)
        except ProtocolError as exc:
            self.metrics.errors.labels(exc.code).inc()
            return http_status(exc), protocol.error(exc.code, exc.message)
        return None

    async def serve(self, connection: ServerConnection) -> None:
        """One WebSocket connection, from handshake to close."""
        principal = self._handshakes.pop(connection, None)
        if principal is None:  # pragma: no cover - handshake() always ran
            return
        client = Client(connection, principal)
        self.hub.add(client)
        try:
            if principal.token is not None:
                self._schedule_expiry(client)
                await connection.send(_authenticated(principal))
            async for raw in connection:
                try:
                    await self._handle(client, protocol.parse(raw))
                except ProtocolError as exc:
                    self.metrics.errors.labels(exc.code).inc()
                    await connection.send(protocol.error(exc.code, exc.message, exc.topic))
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(client)

    async def _handle(self, client: Client, message: protocol.ClientMessage) -> None:
        if client.closing:
            return
        if isinstance(message, protocol.Auth):
            await self._authenticate(client, message.token)
        elif isinstance(message, protocol.Subscribe):
            await self._subscribe(client, message.topic, message.since)
        elif self.hub.unsubscribe(client, message.topic):
            await client.connection.send(protocol.encode("unsubscribed", topic=message.topic))
        else:
            raise ProtocolError(
                "not_subscribed", f"not subscribed to {message.topic!r}", message.topic
            )

    # --- auth -------------------------------------------------------------------------

    async def _authenticate(self, client: Client, raw: str) -> None:
        principal = await self.rights.principal(self.auth.verify(raw))
        self.hub.set_principal(client, principal)
        self._schedule_expiry(client)
        for topic in list(client.subscriptions):
            try:
                await self.rights.authorize(principal.token, topic)
            except ProtocolError as exc:
                self.hub.unsubscribe(client, topic)
                self.metrics.errors.labels(exc.code).inc()
                await client.connection.send(protocol.error(exc.code, exc.message, topic))
        await client.connection.send(_authenticated(principal))

    def _schedule_expiry(self, client: Client) -> None:
        if client.expiry is not None:
            client.expiry.cancel()
        token = client.principal.token
        left = None if token is None else token.seconds_left
        if left is not None:
            loop = asyncio.get_running_loop()
            client.expiry = loop.call_later(max(0.0, left), self._expire, client)

    def _expire(self, client: Client) -> None:
        self._end(client, "token_expired", "the access token expired; reconnect with a new one",
                  protocol.CLOSE_TOKEN_EXPIRED)  # fmt: skip

    def _end(self, client: Client, code: str, message: str, close_code: int) -> None:
        if client.closing:
            return
        self.metrics.errors.labels(code).inc()
        broadcast([client.connection], protocol.error(code, message))
        self.hub.drop_subscriptions(client)
        self.hub.close(client, close_code, code)

    async def _sweep_sessions(self) -> None:
        """Close the sockets of revoked or ended sessions."""
        changed = self.outbox.sessions_changed
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.realtime_session_check_seconds):
                    await changed.wait()
            changed.clear()
            by_session = self.hub.session_ids()
            try:
                ended = await self.outbox.ended_sessions(list(by_session))
            except DRIVER_ERRORS as exc:
                logger.warning("realtime: session sweep failed: %s", exc)
                continue
            for session_id in ended:
                for client in by_session.get(session_id, []):
                    self._end(client, "session_revoked", "the session has ended; log in again",
                              protocol.CLOSE_SESSION_ENDED)  # fmt: skip

    # --- subscriptions ----------------------------------------------------------------

    async def _subscribe(self, client: Client, topic: str, since: int | None) -> None:
        if (
            topic not in client.subscriptions
            and len(client.subscriptions) >= self.hub.max_subscriptions
        ):
            raise ProtocolError(
                "too_many_subscriptions",
                f"at most {self.hub.max_subscriptions} subscriptions per connection",
                topic,
            )
        pattern = await self.rights.authorize(client.principal.token, topic)
        status = None
        if since is not None:
            try:
                status = await self.outbox.cursor_status(since)
            except DRIVER_ERRORS as exc:
                logger.warning("realtime: cursor check failed: %s", exc)
                raise ProtocolError("unavailable", "the database is unavailable", topic) from None
        if since is None or status is not None:
            self.hub.subscribe(client, topic, pattern, after=None)
            await client.connection.send(protocol.encode("subscribed", topic=topic))
            if status == "retention":
                self.hub.send_resync(client, topic, "retention")
            elif status is not None:
                self.hub.send_resync(client, topic, "unknown_position")
            return
        sub = self.hub.subscribe(client, topic, pattern, after=since)
        upto = self.hub.position  # events after this reach `sub.pending`
        await client.connection.send(protocol.encode("subscribed", topic=topic))
        try:
            await self._replay(client, sub, since, upto)
        except ConnectionClosed:
            raise
        except DRIVER_ERRORS as exc:
            logger.warning("realtime: replay of %s failed: %s", topic, exc)
            self.hub.unsubscribe(client, topic)
            raise ProtocolError("unavailable", "the database is unavailable", topic) from None
        if client.subscriptions.get(topic) is sub:
            self.hub.finish_catch_up(sub)

    async def _replay(self, client: Client, sub: Subscription, after: int, upto: int) -> None:
        """Send the events of ``sub.topic`` in ``(after, upto]`` the client may see."""
        while after < upto:
            events = await self.outbox.replay(sub.topic, after, upto, client.principal.keys)
            for event in events:
                if client.closing or client.subscriptions.get(sub.topic) is not sub:
                    return
                if not client.principal.keys.isdisjoint(event.keys):
                    await client.connection.send(event.message)  # waits while the buffer is full
                    sub.last_id = event.seq
                    self.metrics.messages_sent.labels("replay").inc()
            if len(events) < BATCH:
                return
            after = events[-1].seq


def _authenticated(principal: Principal) -> str:
    token = principal.token
    return protocol.encode(
        "authenticated",
        sub=principal.subject,
        expires_at=None if token is None or token.expires_at is None else int(token.expires_at),
    )
