"""DRF authentication by the platform's own access tokens (HS256 JWTs, PyJWT).

Stateless, as a Django API with JWTs (djangorestframework-simplejwt's style) checks them:
signature, expiry (required), and ``sub`` as the user id. No user row is loaded; the
views need only the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request


@dataclass(frozen=True)
class TokenUser:
    id: str  # the token's sub: auth.users.id, publishing.profiles.user_id
    claims: dict[str, Any]
    is_authenticated: bool = True


class PlatformJWTAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[TokenUser, str] | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationFailed("the Authorization header must be: Bearer <token>")
        try:
            claims = jwt.decode(
                token,
                settings.JWT_SECRET,
                algorithms=["HS256"],
                options={"require": ["exp", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise AuthenticationFailed(f"invalid token: {exc}") from exc
        return TokenUser(id=str(claims["sub"]), claims=claims), token

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) to anonymous callers.
        return 'Bearer realm="api"'
