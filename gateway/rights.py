"""Who may see what, asked of SQL as the caller, exactly as PostgREST asks it.

The gateway connects as ``authenticator`` (PostgREST's login role, which can only switch
to the API roles) and, for every question, opens a transaction that is always rolled
back, switches to the token's role, sets ``request.jwt.claims``, runs the pre-request
hook ``auth.check_request()`` (expired or revoked sessions fail here, as they fail at
PostgREST) and then asks:

* ``events.principal_keys(auth.claims())``: the delivery keys the caller holds, matched
  against each event's audience keys (`gateway.hub`);
* ``events.authorize_subscription(topic)``: which registered topic pattern matches, and
  whether its authorizer, run under the caller's row-level security, allows it;
* ``auth.request_claims(method, headers, cookies)``, as anon: who a request signed in by
  the access cookie is, after SQL's CSRF and Origin rule (`gateway.request_auth`).

No rule lives here: this module only translates answers and driver errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from gateway.backoff import close_quietly
from gateway.protocol import ProtocolError
from gateway.tokens import ANON_ROLE, Token

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5
#: Each question is one short transaction; a stuck one must not hold every client.
QUESTION_SECONDS = 5

AsyncConn = psycopg.AsyncConnection[tuple[Any, ...]]

#: The stable codes of check_request and the cookie rule (functions/core/auth_check_request,
#: functions/core/auth_cookies) → the protocol's.
_HOOK_CODES = {
    "auth.session_revoked": "session_revoked",
    "auth.token_incomplete": "invalid_token",
    "auth.invalid_token": "invalid_token",
    "auth.token_expired": "token_expired",
    "auth.csrf_failed": "csrf_failed",
}


@dataclass(frozen=True)
class Principal:
    """What SQL says a caller holds: delivery keys, and the token it was computed for."""

    keys: frozenset[str]
    token: Token | None

    @property
    def subject(self) -> str | None:
        return None if self.token is None else self.token.subject


class Rights:
    """Questions to SQL as a caller, on one ``authenticator`` connection (reconnected)."""

    def __init__(self, db_url: Callable[[], str | None]) -> None:
        self._db_url = db_url
        self._conn: AsyncConn | None = None
        self._lock = asyncio.Lock()

    async def principal(self, token: Token | None) -> Principal:
        """The caller's delivery keys; `ProtocolError` when the hook refuses the token."""
        row = await self._ask(token, "select events.principal_keys(auth.claims())", ())
        return Principal(keys=frozenset(row[0]), token=token)

    async def cookie_claims(
        self, method: str, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> dict[str, Any] | None:
        """SQL's cookie rule, ``auth.request_claims``, asked as anon: the access cookie's
        verified claims, or None when the request is not signed in by cookie;
        `ProtocolError` when it refuses it (token, session, CSRF header, Origin)."""
        (claims,) = await self._ask(
            None,
            "select auth.request_claims(%s, %s, %s)",
            (method, Jsonb(dict(headers)), Jsonb(dict(cookies))),
        )
        return None if claims is None else dict(claims)

    async def authorize(self, token: Token | None, topic: str) -> str:
        """The pattern ``topic`` matches, if the caller may follow it; else `ProtocolError`."""
        pattern, allowed = await self._ask(
            token, "select pattern, allowed from events.authorize_subscription(%s)", (topic,)
        )
        if pattern is None:
            raise ProtocolError("unknown_topic", f"no topic {topic!r}; see README", topic)
        if not allowed:
            raise ProtocolError("forbidden", f"you may not follow {topic!r}", topic)
        return str(pattern)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            await conn.close()

    async def _ask(self, token: Token | None, query: str, params: tuple[Any, ...]) -> Any:
        role = ANON_ROLE if token is None else token.role
        claims = {"role": ANON_ROLE} if token is None else token.claims
        async with self._lock:
            try:
                async with asyncio.timeout(QUESTION_SECONDS):
                    conn = await self._connection()
                    async with conn.transaction(force_rollback=True):
                        await conn.execute(
                            "select set_config('role', %s, true),"
                            " set_config('request.jwt.claims', %s, true)",
                            (role, json.dumps(claims)),
                        )
                        await conn.execute("select auth.check_request()")
                        cur = await conn.execute(query, params)
                        row = await cur.fetchone()
            except (errors.InsufficientPrivilege, errors.InvalidParameterValue):
                raise ProtocolError(
                    "invalid_token", f"the access token names a role ({role!r}) nobody may use"
                ) from None
            except psycopg.Error as exc:
                if exc.sqlstate == "PGRST":
                    raise _hook_error(exc) from None
                await self._drop(exc)
                raise ProtocolError(
                    "unavailable", "the database is unavailable; retry shortly"
                ) from None
            except (OSError, TimeoutError) as exc:
                await self._drop(exc)
                raise ProtocolError(
                    "unavailable", "the database is unavailable; retry shortly"
                ) from None
        if row is None:  # pragma: no cover - both queries return one row
            raise ProtocolError("unavailable", "the database gave no answer")
        return row

    async def _connection(self) -> AsyncConn:
        if self._conn is None or self._conn.closed:
            url = self._db_url()
            if url is None:
                raise OSError("no authenticator URL: the data folder has no secrets yet")
            self._conn = await psycopg.AsyncConnection.connect(url, connect_timeout=CONNECT_SECONDS)
        return self._conn

    async def _drop(self, exc: BaseException) -> None:
        logger.warning("rights: %s", str(exc).strip() or type(exc).__name__)
        conn, self._conn = self._conn, None
        await close_quietly(conn, "rights")


def _hook_error(exc: psycopg.Error) -> ProtocolError:
    """check_request's PostgREST-shaped error (``{"code", "message", ...}``) → protocol."""
    try:
        body = json.loads(exc.diag.message_primary or "{}")
    except ValueError:
        body = {}
    code = _HOOK_CODES.get(str(body.get("code")), "invalid_token")
    return ProtocolError(code, str(body.get("message") or "the access token was refused"))
