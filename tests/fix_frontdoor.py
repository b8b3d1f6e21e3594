"""Fixtures: the real nginx front door in front of the test PostgREST and a test gateway.

One database (``platform_frontdoor``, cloned from the deployed template, plus a few
test-only functions that echo what PostgREST received or answer with cookies and private
cache headers), its PostgREST, a gateway, and an nginx on free loopback ports built by
`ops.frontdoor` exactly as ``inv up`` builds it, with a certificate from a test CA. The
storage service is not part of this branch: a small `Recorder` HTTP server stands in for
it on its port and records what nginx forwards.

`serving_frontdoor` starts further front doors (other limits, no cache, another
gateway): nginx starts in milliseconds.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from pytest_postgresql.executors.noop import NoopExecutor
from websockets.sync.client import ClientConnection, connect

from core.settings import Settings
from ops.frontdoor import access, certs
from ops.frontdoor.config import FrontdoorConfig
from ops.frontdoor.process import Nginx
from ops.net import free_port
from tests.fix_cluster import SERVER, TEST_DATA_DIR, TEST_PG_PORT
from tests.fix_postgrest import ApiServer, serving
from tests.gateway_process import GatewayProcess, gateway

FRONTDOOR_DB = "platform_frontdoor"
#: An origin listed in PLATFORM_CORS_ORIGINS of the session's front door.
LISTED_ORIGIN = "https://app.example.test"
STORAGE_DIR = TEST_DATA_DIR / "frontdoor-storage"

#: Test-only functions (in this database only): what PostgREST received, and answers
#: the micro-cache must never store.
TEST_FUNCTIONS = """
create function api.fd_request_headers() returns json
language sql stable as $$ select current_setting('request.headers', true)::json $$;
create function api.fd_now(tag text default '') returns json
language sql stable as $$ select json_build_object('tag', tag, 'at', clock_timestamp()) $$;
create function api.fd_private(tag text default '') returns json
language plpgsql stable as $$
begin
  perform set_config('response.headers', '[{"Cache-Control": "private"}]', true);
  return json_build_object('tag', tag, 'at', clock_timestamp());
end $$;
create function api.fd_cookie(tag text default '') returns json
language plpgsql stable as $$
begin
  perform set_config('response.headers', '[{"Set-Cookie": "fd=1; Path=/; Secure; HttpOnly"}]',
                     true);
  return json_build_object('tag', tag, 'at', clock_timestamp());
end $$;
grant execute on function api.fd_request_headers(), api.fd_now(text), api.fd_private(text),
  api.fd_cookie(text) to anon, authenticated;
"""


# --- the storage stand-in -----------------------------------------------------------------


@dataclass
class Received:
    """One request as the stand-in saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body_length: int
    headers_at: float
    first_byte_at: float | None


@dataclass
class Recorder:
    """An HTTP server recording what nginx forwards to the storage port.

    ``GET /storage/object/<bucket>/<path>`` answers ``X-Accel-Redirect:
    /_storage_private/<bucket>/<path>`` when nginx says it may (``X-Storage-Accel: 1``),
    as the storage service does; every other request gets 200 and a JSON summary.
    """

    port: int
    received: list[Received] = field(default_factory=list)

    def last(self) -> Received:
        assert self.received, "the storage port received nothing"
        return self.received[-1]


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            headers_at = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            first: float | None = None
            left = length
            while left > 0:
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    break
                first = first or time.monotonic()
                left -= len(chunk)
            seen = Received(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                length - left, headers_at, first,
            )  # fmt: skip
            recorder.received.append(seen)
            accel = self.headers.get("X-Storage-Accel") == "1"
            if self.command == "GET" and self.path.startswith("/storage/object/") and accel:
                self.send_response(200)
                target = "/_storage_private/" + self.path.removeprefix("/storage/object/")
                self.send_header("X-Accel-Redirect", target)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"stored": %d}' % seen.body_length
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            # A service's own CORS headers: the front door must drop them.
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


@contextmanager
def recording_storage() -> Iterator[Recorder]:
    recorder = Recorder(free_port())
    server = ThreadingHTTPServer(("127.0.0.1", recorder.port), _handler(recorder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


# --- the front door -----------------------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """A running front door and how to talk to it."""

    config: FrontdoorConfig
    ca: Path

    @property
    def url(self) -> str:
        return self.config.url

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.config.http_port}"

    @property
    def realtime_url(self) -> str:
        return f"wss://127.0.0.1:{self.config.https_port}/realtime"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def client(self, source: str = "127.0.0.1", **kwargs: Any) -> httpx.Client:
        """An HTTPS client trusting the test CA, its connections from ``source``."""
        transport = httpx.HTTPTransport(verify=self.ssl_context(), local_address=source)
        return httpx.Client(base_url=self.url, transport=transport, timeout=30, **kwargs)


def test_ca() -> certs.Certificates:
    """The test data folder's local CA and server certificate (made once, then reused)."""
    return certs.ensure_local(TEST_DATA_DIR / "secrets" / "tls")


test_ca.__test__ = False  # type: ignore[attr-defined]


def door_config(
    name: str, postgrest_port: int, gateway_port: int, storage_port: int, **changes: Any
) -> FrontdoorConfig:
    """The config ``inv up`` would write for these upstreams, on free ports, in its own
    folder, with the session's listed origin; ``changes`` adjust it."""
    settings = Settings.from_env(
        {
            **os.environ,
            "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
            "PLATFORM_PG_PORT": str(TEST_PG_PORT),
            "PLATFORM_POSTGREST_PORT": str(postgrest_port),
            "PLATFORM_GATEWAY_PORT": str(gateway_port),
            "PLATFORM_STORAGE_PORT": str(storage_port),
            "PLATFORM_STORAGE_DIR": str(STORAGE_DIR),
            "PLATFORM_FRONTDOOR_PORT": str(free_port()),
            "PLATFORM_FRONTDOOR_HTTP_PORT": str(free_port()),
            "PLATFORM_CORS_ORIGINS": LISTED_ORIGIN,
        }
    )
    folder = TEST_DATA_DIR / f"frontdoor-{name}"
    tls = test_ca()
    return FrontdoorConfig.from_settings(settings).but(
        folder=folder,
        error_log=folder / "error.log",
        access_log=folder / "access.log",
        cert=tls.cert,
        key=tls.key,
        **changes,
    )


@contextmanager
def websocket(
    door: Door, source: str = "127.0.0.1", origin: str | None = None
) -> Iterator[ClientConnection]:
    """A WebSocket to ``/realtime`` through ``door``, its socket from ``source``."""
    sock = socket.create_connection(
        ("127.0.0.1", door.config.https_port), timeout=10, source_address=(source, 0)
    )
    with connect(
        door.realtime_url,
        sock=sock,
        ssl=door.ssl_context(),
        server_hostname="127.0.0.1",
        origin=origin,  # type: ignore[arg-type]
        compression=None,
        open_timeout=10,
    ) as ws:
        yield ws


@contextmanager
def serving_frontdoor(config: FrontdoorConfig) -> Iterator[Door]:
    """nginx serving ``config`` until the block ends."""
    config.write()
    access.prepare(config)
    nginx = Nginx(
        config=config,
        pidfile=TEST_DATA_DIR / "run" / f"{config.folder.name}.pid",
        logfile=config.error_log,
    )
    nginx.stop()  # a leftover of an interrupted run
    nginx.start()
    try:
        ca = test_ca().ca
        assert ca is not None
        yield Door(config, ca)
    finally:
        nginx.stop()


@dataclass(frozen=True)
class Upstreams:
    postgrest: ApiServer
    postgrest_pid: int
    gateway: GatewayProcess
    storage: Recorder

    @property
    def postgrest_port(self) -> int:
        return int(self.postgrest.url.rsplit(":", 1)[1])

    @property
    def gateway_port(self) -> int:
        return int(self.gateway.url.rsplit(":", 1)[1])

    def config(self, name: str, **changes: Any) -> FrontdoorConfig:
        return door_config(
            name, self.postgrest_port, self.gateway_port, self.storage.port, **changes
        )


@pytest.fixture(scope="session")
def frontdoor_db_url(platform_template: NoopExecutor) -> Iterator[str]:
    """A deployed database for the front door's tests, with its test functions."""
    admin = SERVER.url("postgres")
    db = sql.Identifier(FRONTDOOR_DB)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(db))
        conn.execute(
            sql.SQL("create database {} template {}").format(
                db, sql.Identifier(platform_template.template_dbname)
            )
        )
    with psycopg.connect(SERVER.url(FRONTDOOR_DB), autocommit=True) as conn:
        conn.execute(TEST_FUNCTIONS)
    try:
        yield SERVER.url(FRONTDOOR_DB)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(db))


@pytest.fixture(scope="session")
def upstreams(frontdoor_db_url: str) -> Iterator[Upstreams]:
    """PostgREST, a gateway and the storage stand-in for the session's front doors."""
    name = "frontdoor-postgrest"
    with (
        serving(frontdoor_db_url, name=name) as postgrest,
        gateway(FRONTDOOR_DB) as gw,
        recording_storage() as storage,
    ):
        pid = int((TEST_DATA_DIR / "run" / f"{name}.pid").read_text())
        yield Upstreams(postgrest, pid, gw, storage)


@pytest.fixture(scope="session")
def frontdoor(upstreams: Upstreams) -> Iterator[Door]:
    """The front door with the default settings (and one listed CORS origin)."""
    with serving_frontdoor(upstreams.config("session")) as door:
        yield door


@pytest.fixture
def door(frontdoor: Door) -> Iterator[httpx.Client]:
    """An HTTPS client of the session's front door, from 127.0.0.1."""
    with frontdoor.client() as client:
        yield client
