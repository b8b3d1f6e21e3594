"""Caps on open ``/realtime`` connections: in all, and per client address.

A connection takes a slot when its upgrade request arrives (`Limits.admit`, called
first thing in the handshake, before anything is awaited, so concurrent handshakes
cannot overshoot) and gives it back when its TCP connection is lost, whichever way it
ends: refused, failed handshake, or closed after serving.

Over a cap the upgrade is refused with an HTTP answer rather than accepted and closed
with a close code: no WebSocket is set up for a connection that will not be served, and
websockets' ``process_request`` makes it one return. 503 ``server_full`` when the
gateway holds ``max_total`` connections (another gateway may have room; retry later),
429 ``too_many_connections`` when the client's address holds ``max_per_address``.

The client's address is the ``X-Real-IP`` header the front door (nginx) sets on every
request it proxies, and the peer's address when there is none (a client of the direct
port, which listens on loopback for ops and tests only): behind the front door every
peer is nginx itself. nginx also caps WebSockets per address before they get here.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Final, Literal

from websockets.asyncio.server import ServerConnection

from gateway.metrics import Metrics

logger = logging.getLogger(__name__)

Refusal = Literal["total", "per_address"]

#: HTTP status and protocol error code of each refusal.
ANSWERS: Final[dict[Refusal, tuple[int, str]]] = {
    "total": (503, "server_full"),
    "per_address": (429, "too_many_connections"),
}


class Limits:
    """Counts open connections by client address and refuses those over a cap."""

    def __init__(self, metrics: Metrics, max_total: int, max_per_address: int) -> None:
        self.metrics = metrics
        self.max_total = max_total
        self.max_per_address = max_per_address
        self.by_address: Counter[str] = Counter()
        self.total = 0

    def admit(self, connection: ServerConnection) -> Refusal | None:
        """Take a slot for ``connection``, or say which cap refuses it (no slot taken)."""
        address = _address(connection)
        refusal: Refusal | None = None
        if self.total >= self.max_total:
            refusal = "total"
        elif self.by_address[address] >= self.max_per_address:
            refusal = "per_address"
        if refusal is not None:
            self.metrics.refusals.labels(refusal).inc()
            logger.info("realtime: refused a connection from %s (%s cap)", address, refusal)
            return refusal
        self.total += 1
        self.by_address[address] += 1
        self.metrics.open_connections.set(self.total)
        # Resolved by websockets when the TCP connection is lost, however it ends.
        connection.connection_lost_waiter.add_done_callback(lambda _: self._release(address))
        return None

    def _release(self, address: str) -> None:
        self.total -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]
        self.metrics.open_connections.set(self.total)


def _address(connection: ServerConnection) -> str:
    request = connection.request
    forwarded = None if request is None else request.headers.get("X-Real-IP")
    if forwarded:
        return forwarded.strip()
    remote = connection.remote_address
    return str(remote[0]) if isinstance(remote, tuple) and remote else str(remote)
