"""Our JWT on the WebSocket: ``?token=<access token>``, as the gateway takes it.

HS256 with the platform's secret (the token api.login issues, the one PostgREST and the
gateway accept); ``exp`` required, 30 s of leeway as PostgREST allows. The verified
claims go into ``scope["claims"]`` (None when absent or invalid); no database round trip.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import jwt
from channels.middleware import BaseMiddleware
from django.conf import settings

LEEWAY_SECONDS = 30


def verify(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        claims: dict[str, Any] = jwt.decode(
            raw,
            settings.JWT_SECRET,
            algorithms=["HS256"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp"], "verify_aud": False},
        )
    except jwt.InvalidTokenError:
        return None
    return claims


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode())
        scope = {**scope, "claims": verify(query.get("token", [None])[0])}
        return await super().__call__(scope, receive, send)
