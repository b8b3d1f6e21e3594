"""What clients receive, the gateway's message shape, and topic -> Channels group names."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ticks.models import Tick

#: The type of the group message; the consumer's handler is ``tick_event``.
GROUP_MESSAGE_TYPE = "tick.event"


def group_name(topic: str) -> str:
    """Channels group names allow letters, digits, ``-``, ``_`` and ``.``: ``bench.shard.3``."""
    return topic.replace(":", ".")


def message(tick: Tick) -> str:
    """The event as the gateway sends it (``events.wire_message``): op, id, topic, type,
    data {table, op, record, changed, actor}, at. Serialized once, sent to every member."""
    return json.dumps(
        {
            "op": "event",
            "id": tick.id,
            "topic": tick.topic,
            "type": "tick",
            "data": {
                "table": "bench.ticks",
                "op": "insert",
                "record": {"id": tick.id, "shard": tick.shard, "sent_at": tick.sent_at},
                "changed": None,
                "actor": None,
            },
            "at": datetime.now(UTC).isoformat(),
        },
        separators=(",", ":"),
    )
