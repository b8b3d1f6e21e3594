"""Who calls the storage service, and SQL asked as that caller.

`authenticate` is the ONE place a storage request's credentials are read, through the
gateway's one entry point (`gateway.request_auth`, shared with ``/realtime``): a Bearer
token verified exactly as PostgREST verifies one, a browser's cookie session judged by
SQL (CSRF included), or nobody (anonymous). Every route calls it, and nothing else looks
at credentials.

`AsCaller` asks SQL as that caller, as PostgREST and `gateway.rights` do: a connection
as ``authenticator`` (from a small pool), one transaction that switches to the token's
role, sets ``request.jwt.claims`` and runs the pre-request hook
``auth.check_request()`` (revoked sessions fail here, 401), then the storage function.
SQL's PostgREST-shaped errors come back as `StorageError` with their status; other
driver errors as 503.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from aiohttp import web
from psycopg import errors
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from gateway.protocol import ProtocolError
from gateway.request_auth import RequestAuth, http_status
from gateway.storage.errors import StorageError, field, unavailable
from gateway.tokens import ANON_ROLE, Token

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5.0
AsyncConn = psycopg.AsyncConnection[tuple[Any, ...]]


async def authenticate(request: web.Request, auth: RequestAuth) -> Token | None:
    """The caller's verified token, or None (anonymous); `StorageError` when the
    credentials sent are refused (401, 403 ``auth.csrf_failed``, 503).

    The gateway's one entry point decides (`gateway.request_auth`): a Bearer header or
    ``?token=`` verified as PostgREST verifies it, or the cookie session judged by SQL
    (``auth.request_claims``: signature, session, ``X-CSRF-Token`` on uploads and
    deletes, Origin)."""
    try:
        return await auth.authenticate(request.method, request.path_qs, request.headers.items())
    except ProtocolError as exc:
        status = http_status(exc)
        if status == 503:
            raise unavailable() from None
        raise StorageError(
            status, f"auth.{exc.code}", exc.message, field("authorization")
        ) from None


class AsCaller:
    """SQL as a caller, on a pool of ``authenticator`` connections made on first use."""

    def __init__(self, db_url: Callable[[], str | None], size: int) -> None:
        self._db_url = db_url
        self._size = size
        self._pool: AsyncConnectionPool[AsyncConn] | None = None

    async def _get_pool(self) -> AsyncConnectionPool[AsyncConn]:
        if self._pool is None:
            url = self._db_url()
            if url is None:
                raise unavailable()
            pool: AsyncConnectionPool[AsyncConn] = AsyncConnectionPool(
                url,
                min_size=1,
                max_size=self._size,
                open=False,
                timeout=CONNECT_SECONDS,
                kwargs={"connect_timeout": int(CONNECT_SECONDS)},
                check=AsyncConnectionPool.check_connection,
                name="storage-as-caller",
            )
            await pool.open(wait=False)
            self._pool = pool
        return self._pool

    @asynccontextmanager
    async def transaction(self, token: Token | None, *, commit: bool) -> AsyncIterator[AsyncConn]:
        """A transaction as ``token``'s caller (anonymous when None), committed on a clean
        exit when ``commit``, else rolled back."""
        role = ANON_ROLE if token is None else token.role
        claims = {"role": ANON_ROLE} if token is None else token.claims
        try:
            pool = await self._get_pool()
            async with pool.connection() as conn, conn.transaction(force_rollback=not commit):
                try:
                    await conn.execute(
                        "select set_config('role', %s, true),"
                        " set_config('request.jwt.claims', %s, true)",
                        (role, json.dumps(claims)),
                    )
                except (errors.InsufficientPrivilege, errors.InvalidParameterValue):
                    raise StorageError(
                        401,
                        "auth.invalid_token",
                        f"the access token names a role ({role!r}) nobody may use",
                        field("authorization"),
                    ) from None
                await conn.execute("select auth.check_request()")
                yield conn
        except (PoolTimeout, TimeoutError) as exc:
            logger.warning("storage: database: %s", str(exc).strip() or type(exc).__name__)
            raise unavailable() from None
        except psycopg.Error as exc:
            if exc.sqlstate == "PGRST":
                raise from_sql(exc) from None
            raise _unexpected(exc) from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()


def _unexpected(exc: psycopg.Error) -> StorageError:
    logger.warning("storage: database error %s: %s", exc.sqlstate, str(exc).strip())
    if isinstance(exc, psycopg.OperationalError):
        return unavailable()
    return StorageError(
        500,
        "storage.internal",
        "the database refused the request",
        json.dumps({"sqlstate": exc.sqlstate}),
    )


def from_sql(exc: psycopg.Error) -> StorageError:
    """``platform.raise_error``'s error (body in the message, status in the detail)."""
    try:
        body = json.loads(exc.diag.message_primary or "{}")
        status = int(json.loads(exc.diag.message_detail or "{}").get("status", 400))
    except (ValueError, TypeError, AttributeError):
        body, status = {}, 400
    return StorageError(
        status,
        str(body.get("code") or "storage.refused"),
        str(body.get("message") or "refused"),
        body.get("details"),
        body.get("hint"),
    )


async def one(conn: AsyncConn, query: str, params: tuple[Any, ...]) -> tuple[Any, ...]:
    """The single row ``query`` returns."""
    cur = await conn.execute(query, params)
    row = await cur.fetchone()
    if row is None:  # pragma: no cover - every storage function answers a row or raises
        raise StorageError(500, "storage.internal", "the database gave no answer")
    return row
