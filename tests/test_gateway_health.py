"""The gateway process as `inv up` runs it: health endpoint and WebSocket route."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
from websockets.sync.client import connect

from gateway.settings import PROJECT_ROOT
from ops.net import free_port
from tests.fix_cluster import SETTINGS, TEST_DATA_DIR, TEST_PG_PORT
from tests.fix_postgrest import API_DB


@contextmanager
def gateway(
    db_name: str, extra_env: Mapping[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """The real gateway process on a free port, serving ``db_name``; stopped with SIGTERM.

    ``extra_env`` adds settings (e.g. ``PLATFORM_SCHEDULER_TICK``); ``log`` receives its
    output instead of the test's captured output.
    """
    port = free_port()
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
        "PLATFORM_PG_PORT": str(TEST_PG_PORT),
        "PLATFORM_DB_NAME": db_name,
        "PLATFORM_GATEWAY_PORT": str(port),
        **(extra_env or {}),
    }
    if SETTINGS.database_url is not None:
        env["DATABASE_URL"] = SETTINGS.database_url.rsplit("/", 1)[0] + "/" + db_name
    output = None if log is None else log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=output,
        stderr=output,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/healthz", timeout=3)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        if output is not None:
            output.close()
        assert code == 0, "the gateway stops cleanly on SIGTERM"


def test_healthz_reports_postgres_and_realtime_answers(api_db_url: str) -> None:
    with gateway(API_DB) as url:
        health = httpx.get(url + "/healthz", timeout=5)
        assert health.status_code == 200
        body = health.json()
        assert {k: body[k] for k in ("status", "postgres")} == {"status": "ok", "postgres": True}
        assert set(body) == {"status", "postgres", "scheduler"}
        assert set(body["scheduler"]) == {"enabled", "last_tick_ok", "last_tick_at"}
        assert body["scheduler"]["enabled"] is True
        assert httpx.get(url + "/nowhere", timeout=5).status_code == 404
        with connect(url.replace("http", "ws") + "/realtime") as ws:
            message = json.loads(ws.recv(timeout=5))
        assert message["op"] == "error"
        assert message["code"] == "not_implemented"


def test_healthz_is_degraded_when_the_database_is_unreachable(api_db_url: str) -> None:
    with gateway("no_such_database") as url:
        health = httpx.get(url + "/healthz", timeout=10)
        assert health.status_code == 503
        body = health.json()
        assert {k: body[k] for k in ("status", "postgres")} == {
            "status": "degraded",
            "postgres": False,
        }
        assert body["scheduler"]["last_tick_ok"] is False, "no tick succeeds without a database"
