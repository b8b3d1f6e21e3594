"""Connection caps and input bounds of ``/realtime`` (issue 19, findings 8 and 10), with
the real gateway process and real sockets from several loopback addresses."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.fix_cluster import dbname_of
from tests.gateway_process import Client, GatewayProcess, gateway

Conn = psycopg.Connection[tuple[object, ...]]

CAPS = {
    "PLATFORM_REALTIME_MAX_CONNECTIONS": "5",
    "PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS": "3",
}


@contextmanager
def client_from(gw: GatewayProcess, source: str, query: str = "") -> Iterator[Client]:
    """A WebSocket client whose socket comes from the loopback address ``source``."""
    target = urlsplit(gw.realtime_url)
    sock = socket.create_connection(
        (target.hostname, target.port), timeout=10, source_address=(source, 0)
    )
    with connect(gw.realtime_url + query, sock=sock, compression=None, open_timeout=10) as ws:
        yield Client(ws)


def refused(gw: GatewayProcess, source: str, query: str = "") -> tuple[int, str]:
    """The HTTP status and error code of an upgrade that must be refused."""
    with pytest.raises(InvalidStatus) as answer, client_from(gw, source, query):
        pass
    response = answer.value.response
    return response.status_code, json.loads(response.body or b"{}")["code"]


def metric(gw: GatewayProcess, name: str) -> float:
    text = httpx.get(gw.url + "/metrics", timeout=5).text
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def wait_open(gw: GatewayProcess, count: int) -> None:
    deadline = time.monotonic() + 5
    while metric(gw, "realtime_open_connections") != count:
        assert time.monotonic() < deadline, f"the gateway never counted {count} connections"
        time.sleep(0.05)


def test_connections_are_capped_in_all_and_per_address(platform_db: Conn) -> None:
    with gateway(dbname_of(platform_db), CAPS) as gw, contextlib.ExitStack() as stack:
        first = [stack.enter_context(client_from(gw, "127.0.0.1")) for _ in range(3)]
        assert refused(gw, "127.0.0.1") == (429, "too_many_connections"), (
            "a fourth connection from one address is refused with 429"
        )
        for _ in range(2):
            stack.enter_context(client_from(gw, "127.0.0.2"))
        assert refused(gw, "127.0.0.3") == (503, "server_full"), (
            "with five open in all, a sixth is refused with 503, whatever its address"
        )
        wait_open(gw, 5)
        first[0].ws.close()
        wait_open(gw, 4)
        with client_from(gw, "127.0.0.1") as again:
            again.subscribe("publishing:articles")  # a closed socket gave its slot back
        assert metric(gw, 'realtime_connection_refusals_total{reason="per_address"}') == 1
        assert metric(gw, 'realtime_connection_refusals_total{reason="total"}') == 1


def test_an_upgrade_refused_for_its_token_gives_its_slot_back(platform_db: Conn) -> None:
    with gateway(dbname_of(platform_db), CAPS) as gw:
        for _ in range(4):  # more than the per-address cap
            assert refused(gw, "127.0.0.1", "?token=garbage") == (401, "invalid_token")
        wait_open(gw, 0)
        with contextlib.ExitStack() as stack:
            for _ in range(3):
                stack.enter_context(client_from(gw, "127.0.0.1")).subscribe("publishing:articles")


def test_since_beyond_a_bigint_is_invalid_since_not_unavailable(platform_db: Conn) -> None:
    with gateway(dbname_of(platform_db)) as gw, Client.open(gw.realtime_url) as client:
        for since in (2**63, 10**30):
            client.send("subscribe", topic="publishing:articles", since=since)
            answer = client.recv()
            assert answer["op"] == "error", answer
            assert answer["code"] == "invalid_since", answer
            assert "since" in answer["message"], "the message names the field"
        client.send("subscribe", topic="publishing:articles", since=2**63 - 1)
        assert client.recv() == {"op": "subscribed", "topic": "publishing:articles"}
        assert client.recv() == {
            "op": "resync",
            "topic": "publishing:articles",
            "reason": "unknown_position",
        }, "the largest bigint is a valid id, only ahead of the sequence"
