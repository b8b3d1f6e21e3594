"""Prepared frames: an event is framed once and the same bytes go to every subscriber.

A server's frames are never masked, and the gateway negotiates no extension
(``compression=None``), so the WebSocket frame of a message is the same bytes for
every connection. websockets' `broadcast` builds and serializes a frame per
connection; at 1,000 subscribers that per-connection work was most of the gateway's
CPU. Here the library's own serializer frames the message once (`prepare`), and
`write` hands those bytes to each connection's transport, after the checks
`broadcast` makes: the connection is open and no fragmented message is half-sent.
Writes are synchronous and whole, so they never interleave with the frames the
library writes itself (pings, control messages, close).
"""

from __future__ import annotations

from websockets.asyncio.connection import Connection
from websockets.frames import Frame, Opcode
from websockets.protocol import State


def prepare(message: str) -> bytes:
    """The text frame of ``message`` as a server sends it (unmasked, no extension)."""
    return Frame(Opcode.TEXT, message.encode()).serialize(mask=False, extensions=[])


def write(connection: Connection, frame: bytes) -> bool:
    """Queue a prepared frame on a connection; False when it cannot take one now."""
    if connection.protocol.state is not State.OPEN or connection.send_in_progress is not None:
        return False
    transport = connection.transport
    if transport.is_closing():
        return False
    transport.write(frame)
    return True
