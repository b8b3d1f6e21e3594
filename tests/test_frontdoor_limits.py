"""The front door's limits, and the three denial-of-service holes of issue 21 closed
through it: a 32 KB nested filter, 50 MB bodies, bursts of logins. Each test uses loopback
source addresses of its own (127.0.0.x), so their per-address buckets do not meet."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from tests.fix_frontdoor import (
    FRONTDOOR_DB,
    LISTED_ORIGIN,
    Door,
    Upstreams,
    serving_frontdoor,
    websocket,
)
from tests.gateway_process import gateway
from tests.test_frontdoor import assert_secure, error_code

PUBLISHING = {"Accept-Profile": "publishing"}


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` so far, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def nested_or(size: int) -> str:
    """``or=(or(or(...id.eq.1...)))`` about ``size`` bytes long, as the attack sends it."""
    depth = (size - 20) // 4
    return "or=(" + "or(" * depth + "id.eq.1" + ")" * depth + ")"


# --- the three holes ----------------------------------------------------------------------


def test_a_32kb_nested_filter_gets_414_at_once_and_never_reaches_postgrest(
    frontdoor: Door, upstreams: Upstreams
) -> None:
    query = nested_or(32 * 1024)
    assert len(query) > 32_000
    before = cpu_ticks(upstreams.postgrest_pid)
    with frontdoor.client(source="127.0.0.31") as client:
        started = time.monotonic()
        answer = client.get(f"/rest/article_cards?{query}", headers=PUBLISHING)
        elapsed = time.monotonic() - started
    assert answer.status_code == 414
    assert error_code(answer) == "frontdoor.uri_too_long"
    assert_secure(answer)
    assert elapsed < 1.0, f"answered in {elapsed:.2f}s, not after PostgREST parsed it"
    assert cpu_ticks(upstreams.postgrest_pid) - before <= 5, (
        "PostgREST spent no CPU on it (it spends about 6 s on this URL)"
    )


def test_50mb_bodies_get_413_and_postgrest_keeps_its_memory(
    frontdoor: Door, upstreams: Upstreams
) -> None:
    body = b'{"x": "' + b"a" * (50 << 20) + b'"}'
    pid = upstreams.postgrest_pid
    before = rss_bytes(pid)
    with frontdoor.client(source="127.0.0.32") as client:
        for _ in range(4):  # the four anonymous bodies took it from 309 MB to 1.2 GB
            answer = client.post(
                "/rest/articles", content=body, headers={"Content-Type": "application/json"}
            )
            assert answer.status_code == 413
            assert error_code(answer) == "frontdoor.body_too_large"
            assert_secure(answer)
    grown = rss_bytes(pid) - before
    assert grown < 8 << 20, f"PostgREST's memory grew by {grown >> 20} MB"


def login_statuses(client: httpx.Client, count: int) -> list[tuple[int, str | None]]:
    """``count`` logins with random e-mails (each a bcrypt in SQL if it got there)."""
    answers = []
    for _ in range(count):
        answer = client.post(
            "/rest/rpc/login",
            json={"email": f"{uuid.uuid4().hex}@example.test", "password": "wrong password 1"},
        )
        code = answer.json().get("code") if answer.content else None
        answers.append((answer.status_code, code))
        if answer.status_code == 429:
            assert answer.headers["retry-after"] == "6", "60 s / 10 calls a minute"
            assert code == "frontdoor.rate_limited"
            assert "login" in answer.json()["details"], "the message names the limit"
            assert_secure(answer)
    return answers


def test_a_burst_of_logins_from_one_address_is_cut_while_another_address_signs_in(
    frontdoor: Door,
) -> None:
    burst = frontdoor.config.auth_burst
    with frontdoor.client(source="127.0.0.33") as attacker:
        answers = login_statuses(attacker, burst + 6)
    reached_sql = [a for a in answers if a[1] != "frontdoor.rate_limited"]
    assert len(reached_sql) <= burst + 1, f"at most the burst reaches SQL: {answers}"
    assert all(status == 400 or status == 401 for status, _ in reached_sql), reached_sql
    assert answers[-1] == (429, "frontdoor.rate_limited")
    with frontdoor.client(source="127.0.0.34") as neighbour:
        status, code = login_statuses(neighbour, 1)[0]
    assert code != "frontdoor.rate_limited", "another address is not limited"
    assert status in (400, 401)


def test_the_sign_in_functions_share_the_strict_limit_and_a_tiny_body(frontdoor: Door) -> None:
    with frontdoor.client(source="127.0.0.35") as client:
        statuses = []
        for function in ("register", "refresh", "change_password", "login") * 3:
            statuses.append(client.post(f"/rest/rpc/{function}", json={}).status_code)
        assert 429 in statuses, statuses
        big = client.post("/rest/rpc/login/", content=b"{" + b" " * 20_000 + b"}")
    assert big.status_code in (413, 429), "the trailing slash is the same route"
    with frontdoor.client(source="127.0.0.36") as client:
        big = client.post("/rest/rpc/login", content=b"{" + b" " * 20_000 + b"}")
        assert big.status_code == 413
        assert "16384 bytes" in big.json()["message"]


def test_the_general_limit_answers_429_per_address(upstreams: Upstreams) -> None:
    with serving_frontdoor(upstreams.config("general", rate=2, burst=3)) as door:
        with door.client(source="127.0.0.37") as client:
            answers = [client.get("/") for _ in range(10)]
        limited = [a for a in answers if a.status_code == 429]
        assert limited, [a.status_code for a in answers]
        assert [a.status_code for a in answers[:4]] == [200] * 4, "the burst passes"
        assert limited[0].headers["retry-after"] == "1"
        assert error_code(limited[0]) == "frontdoor.rate_limited"
        assert_secure(limited[0])
        with door.client(source="127.0.0.38") as other:
            assert other.get("/").status_code == 200


# --- WebSockets ---------------------------------------------------------------------------


def refusal(door: Door, source: str, origin: str | None = None) -> tuple[int, dict[str, str]]:
    with pytest.raises(InvalidStatus) as refused, websocket(door, source, origin):
        pass
    response = refused.value.response
    return response.status_code, json.loads(response.body or b"{}")


def test_websockets_per_address_are_capped_by_nginx(upstreams: Upstreams) -> None:
    with (
        serving_frontdoor(upstreams.config("websockets", websockets_per_address=2)) as door,
        contextlib.ExitStack() as open_sockets,
    ):
        for _ in range(2):
            open_sockets.enter_context(websocket(door, "127.0.0.39"))
        status, body = refusal(door, "127.0.0.39")
        assert status == 429
        assert body["code"] == "frontdoor.rate_limited"
        assert "WebSockets" in body["details"]
        open_sockets.enter_context(websocket(door, "127.0.0.40"))  # another address


def test_the_gateway_counts_websockets_by_the_address_nginx_saw(upstreams: Upstreams) -> None:
    caps = {"PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS": "2"}
    with (
        gateway(FRONTDOOR_DB, caps) as gw,
        serving_frontdoor(
            upstreams.config("gateway-caps").but(gateway=gw.url.removeprefix("http://"))
        ) as door,
        contextlib.ExitStack() as open_sockets,
    ):
        for _ in range(2):
            open_sockets.enter_context(websocket(door, "127.0.0.41"))
        status, body = refusal(door, "127.0.0.41")
        assert (status, body["code"]) == (429, "too_many_connections"), "the gateway's own cap"
        # Every socket reaches the gateway from nginx's 127.0.0.1: without X-Real-IP this
        # third one would be refused too.
        open_sockets.enter_context(websocket(door, "127.0.0.42"))


def test_a_page_of_an_unlisted_origin_cannot_open_a_websocket(frontdoor: Door) -> None:
    status, body = refusal(frontdoor, "127.0.0.43", origin="https://evil.example")
    assert status == 403
    assert body["code"] == "frontdoor.origin_not_allowed"
    for origin in (LISTED_ORIGIN, frontdoor.url, None):
        with websocket(frontdoor, "127.0.0.43", origin=origin):
            pass
