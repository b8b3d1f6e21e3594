"""WebSocket upgrades signed in by the access cookie: the real gateway asks SQL's cookie
rule (auth.request_claims through gateway.request_auth); the Origin is the upgrade's CSRF
check, since a browser sends the cookie on an upgrade but cannot add a header to it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.fix_cluster import SERVER, dbname_of
from tests.gateway_process import gateway

Conn = psycopg.Connection[tuple[object, ...]]
ORIGIN = "https://app.example.test"
PASSWORD = "correct horse battery staple"


def cookie_session(url: str) -> tuple[str, dict[str, Any]]:
    """A new account signed in with cookies, as PostgREST answers ``X-Session: cookie``:
    (user id, the cookies set)."""
    name = "ws" + uuid.uuid4().hex[:10]
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select auth.create_user(%s, %s, %s, '{}')::text",
            (f"{name}@example.test", PASSWORD, name),
        ).fetchone()
        assert row is not None
        conn.execute("select tests.request('POST', '/rpc/login', '{\"x-session\": \"cookie\"}')")
        conn.execute("select api.login(%s, %s)", (f"{name}@example.test", PASSWORD))
        jar = conn.execute("select tests.cookie_jar()").fetchone()
        assert jar is not None
        assert isinstance(jar[0], dict)
        return str(row[0]), jar[0]


def cookie_header(jar: dict[str, Any]) -> dict[str, str]:
    return {"Cookie": f"__Host-access={jar['__Host-access']}; __Host-csrf={jar['__Host-csrf']}"}


def refusal(url: str, jar: dict[str, Any], origin: str | None) -> tuple[int, str]:
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(
            url,
            origin=None if origin is None else Origin(origin),
            additional_headers=cookie_header(jar),
            open_timeout=10,
        ),
    ):
        pass
    response = refused.value.response
    return response.status_code, json.loads(response.body or b"{}")["code"]


def test_a_cookie_upgrade_from_an_allowed_origin_works_a_foreign_one_is_refused(
    platform_db: Conn,
) -> None:
    name = dbname_of(platform_db)
    url = SERVER.url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select auth.set_allowed_origins(%s)", ([ORIGIN],))
    user_id, jar = cookie_session(url)
    with gateway(name) as gw:
        with connect(
            gw.realtime_url,
            origin=Origin(ORIGIN),
            additional_headers=cookie_header(jar),
            compression=None,
            open_timeout=10,
        ) as ws:
            greeting = json.loads(ws.recv(timeout=5))
            assert greeting["op"] == "authenticated"
            assert greeting["sub"] == user_id, "the socket is the cookie's user"
            ws.send(json.dumps({"op": "subscribe", "topic": f"user:{user_id}"}))
            assert json.loads(ws.recv(timeout=5))["op"] == "subscribed", "with the user's rights"

        # ?token= (or an Authorization header) wins over the cookie, as Bearer does at PostgREST.
        other_id, other = cookie_session(url)
        with connect(
            f"{gw.realtime_url}?token={other['__Host-access']}",
            origin=Origin("https://evil.example"),
            additional_headers=cookie_header(jar),
            open_timeout=10,
        ) as ws:
            assert json.loads(ws.recv(timeout=5))["sub"] == other_id
        with (
            pytest.raises(InvalidStatus) as basic,
            connect(
                gw.realtime_url, additional_headers={"Authorization": "Basic eDp5"}, open_timeout=10
            ),
        ):
            pass
        assert basic.value.response.status_code == 401

        assert refusal(gw.realtime_url, jar, "https://evil.example") == (403, "csrf_failed")
        assert refusal(gw.realtime_url, jar, None) == (403, "csrf_failed"), "an Origin is required"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "update auth.sessions set revoked_at = now(), revoked_reason = 'logout'"
                " where user_id = %s",
                (user_id,),
            )
        assert refusal(gw.realtime_url, jar, ORIGIN) == (401, "session_revoked")
