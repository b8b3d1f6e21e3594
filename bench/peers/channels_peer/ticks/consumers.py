"""The WebSocket consumer: the gateway's subscribe protocol over Channels groups.

A connection needs a signed-in user's token (a ``sub`` claim: the events' audience is
``{"authenticated": true}``). ``{"op": "subscribe", "topic": "bench:shard:<n>"}`` joins
the topic's group and is answered ``{"op": "subscribed", "topic": ...}``; every group
message's text is then forwarded as it is.
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from ticks import wire

TOPIC_PREFIX = "bench:shard:"
UNAUTHORIZED = 4401


class TickConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        claims = self.scope.get("claims")
        if not claims or not claims.get("sub"):
            await self.close(code=UNAUTHORIZED)
            return
        self.joined: set[str] = set()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            request = json.loads(text_data or "")
        except ValueError:
            request = None
        if not isinstance(request, dict) or request.get("op") != "subscribe":
            await self.send(text_data=json.dumps({"op": "error", "code": "bad_request"}))
            return
        topic = request.get("topic")
        if not isinstance(topic, str) or not topic.startswith(TOPIC_PREFIX):
            await self.send(text_data=json.dumps({"op": "error", "code": "unknown_topic"}))
            return
        group = wire.group_name(topic)
        if group not in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.add(group)
        await self.send(text_data=json.dumps({"op": "subscribed", "topic": topic}))

    async def tick_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])
