"""The realtime wire protocol: what clients may send, what the server answers, and the codes.

Client messages (JSON text frames)::

    {"op": "auth", "token": "<access token>"}
    {"op": "subscribe", "topic": "publishing:articles", "since": 41}   # since: optional
    {"op": "unsubscribe", "topic": "publishing:articles"}

Server messages::

    {"op": "event", "id": 42, "topic": ..., "type": ..., "data": {...}, "at": ...}
    {"op": "subscribed", "topic": ...}        {"op": "unsubscribed", "topic": ...}
    {"op": "authenticated", "sub": ..., "expires_at": ...}
    {"op": "resync", "topic": ..., "reason": "retention" | "unknown_position" | "overflow"}
    {"op": "error", "code": ..., "message": ..., "topic": ...}   # topic when there is one

Events are serialized by SQL (``events.messages``); this module parses the client's side
and builds the control messages. Error codes and close codes are stable (README).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

#: A topic as the outbox stores them (schema/core/events_outbox: outbox_topic_format).
TOPIC_FORMAT: Final = re.compile(r"^[a-z][a-z0-9_]*(:[A-Za-z0-9_.-]+)+$")
MAX_TOPIC_LENGTH: Final = 200
#: Event ids are SQL bigints (events.outbox.seq); a larger ``since`` is no position.
MAX_EVENT_ID: Final = 2**63 - 1

# Close codes (4000-4999 are the application's).
CLOSE_TOKEN_EXPIRED: Final = 4001
CLOSE_SESSION_ENDED: Final = 4002
CLOSE_OVERFLOW: Final = 4008
CLOSE_GOING_AWAY: Final = 1001

ResyncReason = Literal["retention", "unknown_position", "overflow"]


class ProtocolError(Exception):
    """A client message the server refuses; becomes an ``error`` message, never a close."""

    def __init__(self, code: str, message: str, topic: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.topic = topic


@dataclass(frozen=True)
class Auth:
    token: str


@dataclass(frozen=True)
class Subscribe:
    topic: str
    since: int | None


@dataclass(frozen=True)
class Unsubscribe:
    topic: str


ClientMessage = Auth | Subscribe | Unsubscribe


def parse(raw: str | bytes) -> ClientMessage:
    """Parse and validate one client frame; raise `ProtocolError` naming the bad field."""
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("invalid_message", "the message is not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("invalid_message", "the message must be a JSON object")
    op = message.get("op")
    if op == "auth":
        token = message.get("token")
        if not isinstance(token, str) or not token:
            raise ProtocolError("invalid_message", "auth: `token` must be a non-empty string")
        return Auth(token)
    if op in ("subscribe", "unsubscribe"):
        topic = _topic(message.get("topic"), op)
        if op == "unsubscribe":
            return Unsubscribe(topic)
        since = message.get("since")
        if since is not None and (
            isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= MAX_EVENT_ID
        ):
            raise ProtocolError(
                "invalid_since",
                f"subscribe: `since` must be an event id, an integer from 0 to {MAX_EVENT_ID}",
                topic,
            )
        return Subscribe(topic, since)
    if op is None:
        raise ProtocolError("invalid_message", "the message has no `op`")
    raise ProtocolError(
        "unknown_op", f"unknown op {str(op)[:40]!r}; use auth, subscribe or unsubscribe"
    )


def _topic(value: Any, op: str) -> str:
    if not isinstance(value, str) or not value:
        raise ProtocolError("invalid_topic", f"{op}: `topic` must be a non-empty string")
    if len(value) > MAX_TOPIC_LENGTH or not TOPIC_FORMAT.match(value):
        raise ProtocolError(
            "invalid_topic",
            f"{op}: `topic` {value[:60]!r} is not a topic (like publishing:article:42)",
            value[:MAX_TOPIC_LENGTH],
        )
    return value


def encode(op: str, **fields: Any) -> str:
    """A server control message as a JSON text frame."""
    return json.dumps({"op": op, **{k: v for k, v in fields.items() if v is not None}})


def error(code: str, message: str, topic: str | None = None) -> str:
    return encode("error", code=code, message=message, topic=topic)


def resync(topic: str, reason: ResyncReason) -> str:
    return encode("resync", topic=topic, reason=reason)
