"""The registry of connections and subscriptions, and the fan-out of events to them.

Fan-out never waits for a client: each event is serialized once (by SQL), framed once
(`gateway.frames`) and written synchronously to every allowed subscriber. A connection's
send buffer is its bounded queue: when more than ``buffer_limit`` bytes are waiting for
a client, that client is sent ``resync`` (reason ``overflow``) for each of its topics,
unsubscribed and closed with `CLOSE_OVERFLOW`; the others carry on.

Who receives an event is decided by SQL: the event carries its audience keys and the
client its principal keys (`gateway.rights`); this module only tests that they overlap.

Resuming: a subscription made with ``since`` is *catching up* while its replay is read;
live events meant for it are held in ``pending`` and written after the replay, and every
subscription remembers the last id it was sent, so nothing arrives twice or out of order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from websockets.asyncio.server import ServerConnection, broadcast

from gateway import frames
from gateway.metrics import Metrics
from gateway.protocol import CLOSE_OVERFLOW, ResyncReason, resync
from gateway.rights import Principal

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """One sequenced outbox row, ready to send."""

    seq: int
    topic: str
    keys: frozenset[str]
    created_at: float  # epoch seconds
    message: str
    frame: bytes  # the message's WebSocket frame (frames.prepare)


@dataclass(eq=False, slots=True)
class Subscription:
    client: Client
    topic: str
    pattern: str
    last_id: int
    pending: list[Event] | None = None  # not None while catching up


@dataclass(eq=False, slots=True)
class Client:
    connection: ServerConnection
    principal: Principal
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    closing: bool = False
    expiry: asyncio.TimerHandle | None = None

    @property
    def identity(self) -> str:
        # A token naming only the anon role is anonymous too (auth.claims_principal).
        return "anonymous" if self.principal.subject is None else "user"

    def buffered(self) -> int:
        transport = self.connection.transport
        return 0 if transport is None else transport.get_write_buffer_size()


class Hub:
    """Connections, their subscriptions by topic, and the dispatch position."""

    def __init__(self, metrics: Metrics, buffer_limit: int, max_subscriptions: int) -> None:
        self.metrics = metrics
        self.buffer_limit = buffer_limit
        self.max_subscriptions = max_subscriptions
        self.clients: set[Client] = set()
        self.topics: dict[str, set[Subscription]] = {}
        #: Seq of the last event dispatched; every later event will be dispatched.
        self.position = 0
        self._closing_tasks: set[asyncio.Task[None]] = set()

    # --- connections ------------------------------------------------------------------

    def add(self, client: Client) -> None:
        self.clients.add(client)
        self.metrics.connections.labels(client.identity).inc()

    def remove(self, client: Client) -> None:
        if client not in self.clients:
            return
        self.clients.discard(client)
        self.metrics.connections.labels(client.identity).dec()
        self.drop_subscriptions(client)
        if client.expiry is not None:
            client.expiry.cancel()

    def set_principal(self, client: Client, principal: Principal) -> None:
        """Replace a client's identity (re-authentication on the same socket)."""
        self.metrics.connections.labels(client.identity).dec()
        client.principal = principal
        self.metrics.connections.labels(client.identity).inc()

    # --- subscriptions ----------------------------------------------------------------

    def subscribe(
        self, client: Client, topic: str, pattern: str, *, after: int | None
    ) -> Subscription:
        """Register a subscription: live from now, or catching up from ``after``."""
        self.unsubscribe(client, topic)
        sub = Subscription(
            client,
            topic,
            pattern,
            last_id=self.position if after is None else after,
            pending=None if after is None else [],
        )
        client.subscriptions[topic] = sub
        self.topics.setdefault(topic, set()).add(sub)
        self.metrics.subscriptions.labels(pattern).inc()
        return sub

    def unsubscribe(self, client: Client, topic: str) -> bool:
        sub = client.subscriptions.pop(topic, None)
        if sub is None:
            return False
        subs = self.topics.get(topic)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.topics[topic]
        self.metrics.subscriptions.labels(sub.pattern).dec()
        return True

    def drop_subscriptions(self, client: Client) -> None:
        for topic in list(client.subscriptions):
            self.unsubscribe(client, topic)

    def finish_catch_up(self, sub: Subscription) -> None:
        """Write the live events held during a replay, then go live (no await inside)."""
        pending, sub.pending = sub.pending or [], None
        for event in pending:
            if event.seq > sub.last_id and not sub.client.closing:
                self.write(sub, event, "live")

    # --- fan-out ----------------------------------------------------------------------

    def dispatch(self, events: list[Event]) -> None:
        """Send each event to every subscriber of its topic whose keys it is addressed to.

        Events are taken in order and each client's frames gathered, then written with
        one write per client: when a read brings several events (a burst, or a backlog
        after a slow moment), a client costs one system call, not one per event, and
        still receives them in commit order.
        """
        sent = 0
        now = time.time()
        out: dict[Client, list[bytes]] = {}
        for event in events:
            subs = self.topics.get(event.topic)
            if subs:
                keys = event.keys
                frame = event.frame
                delivered = 0
                for sub in subs:
                    client = sub.client
                    if event.seq <= sub.last_id or client.principal.keys.isdisjoint(keys):
                        continue
                    if sub.pending is not None:
                        sub.pending.append(event)
                        continue
                    if client.closing:
                        continue
                    sub.last_id = event.seq
                    delivered += 1
                    queued = out.get(client)
                    if queued is None:
                        out[client] = [frame]
                    else:
                        queued.append(frame)
                if delivered:
                    sent += delivered
                    self.metrics.commit_to_send.observe(max(0.0, now - event.created_at))
            self.position = event.seq
        limit = self.buffer_limit
        for client, queued in out.items():
            # A client still more than the limit behind from earlier reads gets nothing
            # more: resync and close. So one burst (a bulk update) alone does not drop a
            # client, and a stuck one's backlog passes the limit by one read at most.
            if client.buffered() > limit:
                sent -= len(queued)
                self.overflow(client)
            elif not frames.write(
                client.connection, queued[0] if len(queued) == 1 else b"".join(queued)
            ):
                sent -= len(queued)
        if events:
            self.metrics.events_read.inc(len(events))
            self.metrics.position.set(self.position)
        if sent:
            self.metrics.messages_sent.labels("live").inc(sent)

    def write(self, sub: Subscription, event: Event, kind: str) -> bool:
        """Write one event to one subscriber now; False (and overflow) when it lags."""
        client = sub.client
        if client.buffered() > self.buffer_limit:
            self.overflow(client)  # the caller is not iterating over subscriptions
            return False
        if frames.write(client.connection, event.frame):
            sub.last_id = event.seq
            self.metrics.messages_sent.labels(kind).inc()
        return True

    def send_resync(self, client: Client, topic: str, reason: ResyncReason) -> None:
        broadcast([client.connection], resync(topic, reason))
        self.metrics.resyncs.labels(reason).inc()

    def overflow(self, client: Client) -> None:
        """The client cannot keep up: tell it to resync, then disconnect it."""
        if client.closing:
            return
        client.closing = True
        logger.info(
            "realtime: closing a client %d bytes behind (limit %d)",
            client.buffered(),
            self.buffer_limit,
        )
        for topic in list(client.subscriptions):
            self.send_resync(client, topic, "overflow")
        self.drop_subscriptions(client)
        self.metrics.drops.inc()
        self.close(client, CLOSE_OVERFLOW, "overflow")

    def close(self, client: Client, code: int, reason: str) -> None:
        """Close a client's socket in the background (the close handshake may take a while)."""
        client.closing = True
        self.metrics.closes.labels(reason).inc()
        task = asyncio.get_running_loop().create_task(client.connection.close(code, reason))
        self._closing_tasks.add(task)
        task.add_done_callback(self._closing_tasks.discard)

    def session_ids(self) -> dict[str, list[Client]]:
        """Open clients by the session id of their token."""
        by_session: dict[str, list[Client]] = {}
        for client in self.clients:
            token = client.principal.token
            if token is not None and token.session_id is not None and not client.closing:
                by_session.setdefault(token.session_id, []).append(client)
        return by_session

    def buffered_bytes(self) -> int:
        return sum(client.buffered() for client in self.clients)
