"""Access tokens, verified as PostgREST verifies them (HS256, the same secret, ``exp``).

The signature and expiry are checked here with PyJWT; everything else (the role exists
and the gateway may switch to it, the session is live, what the claims entitle to) is
asked of SQL by `gateway.rights`, as PostgREST's pre-request hook asks it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt

from gateway.protocol import ProtocolError

#: The role PostgREST uses for requests without a token (its ``db-anon-role``).
ANON_ROLE = "anon"


@dataclass(frozen=True)
class Token:
    """A verified token: its claims, the role they name, when it expires."""

    claims: dict[str, Any]
    role: str
    expires_at: float
    session_id: str | None
    subject: str | None

    @property
    def seconds_left(self) -> float:
        return self.expires_at - time.time()


def verify(raw: str, secret: str) -> Token:
    """Check the signature and ``exp``; raise `ProtocolError` (invalid_token, token_expired)."""
    try:
        claims = jwt.decode(raw, secret, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError:
        raise ProtocolError("token_expired", "the access token has expired; refresh it") from None
    except jwt.InvalidTokenError as exc:
        raise ProtocolError("invalid_token", f"the access token is not valid: {exc}") from None
    role = claims.get("role", ANON_ROLE)
    if not isinstance(role, str) or not role:
        raise ProtocolError("invalid_token", "the access token's `role` claim is not a role name")
    sid = claims.get("sid")
    sub = claims.get("sub")
    return Token(
        claims=claims,
        role=role,
        expires_at=float(claims["exp"]),
        session_id=sid if isinstance(sid, str) else None,
        subject=sub if isinstance(sub, str) else None,
    )
