"""Access tokens, verified exactly as PostgREST 12.0.2 verifies them.

The signature and time claims are checked here with PyJWT, with the acceptance rule
declared once below; who the claims make the caller (anonymous, a user, or refused),
whether the role may be used and whether the session is live are asked of SQL by
`gateway.rights`, through the same pre-request hook PostgREST runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Final

import jwt

from gateway.protocol import ProtocolError

#: The role PostgREST uses for requests without a token (its ``db-anon-role``), and for
#: tokens without a ``role`` claim.
ANON_ROLE: Final = "anon"

# The acceptance rule, matching what PostgREST 12.0.2 accepts (measured against the
# binary; tests/test_token_agreement.py sends the same tokens to both and asserts they
# agree; docs/realtime-security.md states the rule):
# * HMAC signatures with the shared secret: HS256, HS384, HS512 (never "none"; no
#   asymmetric algorithms, the platform has no key pair);
# * ``exp``, ``nbf`` and ``iat`` with 30 s of clock skew (PostgREST's allowed skew):
#   accepted until 30 s past ``exp``, from 30 s before ``nbf``, ``iat`` up to 30 s ahead;
# * no claim is required here: PostgREST requires none, and its pre-request hook
#   (auth.check_request, which the gateway runs too) requires ``exp`` and ``sid`` of
#   every token that is not anonymous;
# * ``aud`` is not checked (PostgREST's ``jwt-aud`` is not set).
ALGORITHMS: Final = ("HS256", "HS384", "HS512")
LEEWAY_SECONDS: Final = 30


@dataclass(frozen=True)
class Token:
    """A verified token: its claims, the role they name, when it expires."""

    claims: dict[str, Any]
    role: str
    expires_at: float | None  # ``exp``; None for an anonymous token without one
    session_id: str | None
    subject: str | None

    @property
    def seconds_left(self) -> float | None:
        """Seconds until PostgREST stops accepting it (``exp`` plus the skew)."""
        if self.expires_at is None:
            return None
        return self.expires_at + LEEWAY_SECONDS - time.time()


def verify(raw: str, secret: str) -> Token:
    """Check the signature and time claims; raise `ProtocolError` (invalid_token,
    token_expired)."""
    try:
        claims = jwt.decode(
            raw,
            secret,
            algorithms=list(ALGORITHMS),
            leeway=LEEWAY_SECONDS,
            options={"require": [], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise ProtocolError("token_expired", "the access token has expired; refresh it") from None
    except jwt.InvalidTokenError as exc:
        raise ProtocolError("invalid_token", f"the access token is not valid: {exc}") from None
    return from_claims(claims)


def from_claims(claims: dict[str, Any]) -> Token:
    """A `Token` of claims already verified (by `verify`, or by SQL for a cookie)."""
    role = claims.get("role", ANON_ROLE)
    if not isinstance(role, str) or not role:
        raise ProtocolError("invalid_token", "the access token's `role` claim is not a role name")
    sid = claims.get("sid")
    sub = claims.get("sub")
    exp = claims.get("exp")
    return Token(
        claims=claims,
        role=role,
        expires_at=float(exp) if isinstance(exp, int | float) else None,
        session_id=sid if isinstance(sid, str) else None,
        subject=sub if isinstance(sub, str) else None,
    )
