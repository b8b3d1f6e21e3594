"""No HTTP views: the peer serves only its WebSocket route (peer.asgi)."""

from __future__ import annotations

urlpatterns: list[object] = []
