"""The ASGI application: WebSocket connections at /realtime, authenticated by our JWT."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
django_asgi = get_asgi_application()  # sets Django up before the app's modules import

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402
from ticks.auth import JWTAuthMiddleware  # noqa: E402
from ticks.consumers import TickConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": JWTAuthMiddleware(URLRouter([path("realtime", TickConsumer.as_asgi())])),
    }
)
