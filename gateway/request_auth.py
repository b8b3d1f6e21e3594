"""Who a gateway request is: the one entry point for WebSocket upgrades and storage requests.

`RequestAuth.authenticate(method, target, headers)` answers the caller's `Token`, None for
an anonymous request, or raises `ProtocolError` (`http_status` gives its HTTP status: 401
for a token or session problem, 403 ``csrf_failed``, 503 ``unavailable``). A request
carries its credential one of three ways:

* ``Authorization: Bearer <token>``;
* ``?token=<token>`` in the target (a browser cannot set headers on a WebSocket upgrade);
* the ``__Host-access`` cookie of a cookie session (docs/auth.md).

A Bearer or ``?token=`` token is verified here exactly as PostgREST verifies one
(`gateway.tokens`). Everything about the cookie is decided by SQL, the rule PostgREST's
pre-request hook applies, ``auth.request_claims(method, headers, cookies)``
(functions/core/auth_cookies), asked as anon through `gateway.rights`: its signature and
session, ``X-CSRF-Token`` on state-changing methods, and the Origin (a WebSocket upgrade
by cookie must come from an allowed origin: its CSRF check). The headers go to SQL as
PostgREST hands them over: lower-case names, the Cookie header left out (it is the
``cookies`` argument). Whether the session is still live is checked again by the caller's
next question (`Rights.principal` runs ``auth.check_request``). No rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, urlsplit

from gateway.protocol import ProtocolError
from gateway.rights import Rights
from gateway.tokens import Token, from_claims, verify

#: The cookie of a cookie session's access token (the contract with the front door).
ACCESS_COOKIE = "__Host-access"

#: HTTP status of a refusal, by protocol code (everything else is 401).
_STATUS = {"csrf_failed": 403, "unavailable": 503}


def http_status(error: ProtocolError) -> int:
    """The HTTP status a refused request answers with."""
    return _STATUS.get(error.code, 401)


class RequestAuth:
    """Authenticates gateway requests; SQL (through ``rights``) judges cookie sessions."""

    def __init__(self, rights: Rights, jwt_secret: Callable[[], str | None]) -> None:
        self._rights = rights
        self._jwt_secret = jwt_secret

    async def authenticate(
        self, method: str, target: str, headers: Iterable[tuple[str, str]]
    ) -> Token | None:
        """The caller's token (None: anonymous) for an HTTP request: its method, its target
        (path and query) and its headers as (name, value) pairs."""
        fields = _header_fields(headers)
        raw = _bearer(fields.get("authorization"))
        if raw is None:
            tokens = parse_qs(urlsplit(target).query).get("token")
            raw = tokens[0] if tokens else None
        if raw is not None:
            return self.verify(raw)
        cookies = parse_cookies(fields.pop("cookie", ""))
        if ACCESS_COOKIE not in cookies:
            return None
        claims = await self._rights.cookie_claims(method.upper(), fields, cookies)
        return None if claims is None else from_claims(claims)

    def verify(self, raw: str) -> Token:
        """A Bearer token verified as PostgREST verifies it; `ProtocolError` otherwise."""
        secret = self._jwt_secret()
        if secret is None:
            raise ProtocolError("unavailable", "the gateway has no JWT secret yet")
        return verify(raw, secret)


def parse_cookies(header: str) -> dict[str, str]:
    """A Cookie header's pairs, name → value; the first of a repeated name wins (browsers
    send the most specific path first)."""
    cookies: dict[str, str] = {}
    for item in header.split(";"):
        name, sep, value = item.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = value.strip()
    return cookies


def _header_fields(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-case names; repeated fields joined as HTTP joins them (Cookie with ``; ``)."""
    fields: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in fields:
            fields[key] += ("; " if key == "cookie" else ", ") + value
        else:
            fields[key] = value
    return fields


def _bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProtocolError("invalid_token", "the Authorization header must be `Bearer <token>`")
    return token.strip()
