"""The real gateway process for tests, and a real WebSocket client of ``/realtime``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from gateway.settings import PROJECT_ROOT
from ops.net import free_port
from tests.fix_cluster import SETTINGS, TEST_DATA_DIR, TEST_PG_PORT

Message = dict[str, Any]


@dataclass
class GatewayProcess:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def realtime_url(self) -> str:
        return self.url.replace("http", "ws", 1) + "/realtime"

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)


@contextmanager
def gateway(
    db_name: str,
    extra_env: Mapping[str, str] | None = None,
    log: Path | None = None,
    *,
    port: int | None = None,
    wait_realtime: bool = True,
) -> Iterator[GatewayProcess]:
    """The real gateway process on a free port, serving ``db_name``; stopped with SIGTERM.

    ``extra_env`` adds settings (e.g. ``PLATFORM_SCHEDULER_TICK``); ``log`` receives its
    output instead of the test's captured output. With ``wait_realtime`` it yields once
    the realtime reader has read the outbox (events committed later are delivered live).
    """
    port = port or free_port()
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
        "PLATFORM_PG_PORT": str(TEST_PG_PORT),
        "PLATFORM_DB_NAME": db_name,
        "PLATFORM_GATEWAY_PORT": str(port),
        "PLATFORM_SCHEDULER_TICK": "0",
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
    running = GatewayProcess(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                body = httpx.get(running.url + "/healthz", timeout=3).json()
                if not wait_realtime or body["realtime"]["last_read_age_seconds"] is not None:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        yield running
    finally:
        if process.poll() is None:
            code = running.stop()
            assert code == 0, "the gateway stops cleanly on SIGTERM"
        if output is not None:
            output.close()


@dataclass
class Client:
    """A real WebSocket client (websockets' sync client) speaking the realtime protocol."""

    ws: ClientConnection
    received: list[Message] = field(default_factory=list)

    @classmethod
    @contextmanager
    def open(cls, url: str, token: str | None = None) -> Iterator[Client]:
        target = url if token is None else f"{url}?token={token}"
        with connect(target, compression=None, open_timeout=10) as ws:
            yield cls(ws)

    @classmethod
    @contextmanager
    def open_slow(cls, url: str) -> Iterator[Client]:
        """A client that reads only when asked: it stops reading the socket after one
        queued message, so the server's send buffer for it grows."""
        with connect(url, compression=None, open_timeout=10, max_queue=1) as ws:
            yield cls(ws)

    def send(self, op: str, **fields: Any) -> None:
        self.ws.send(json.dumps({"op": op, **fields}))

    def recv(self, timeout: float = 5) -> Message:
        message: Message = json.loads(self.ws.recv(timeout=timeout))
        self.received.append(message)
        return message

    def expect(self, op: str, timeout: float = 5) -> Message:
        """The next control message must have this op (events and the greeting on the way
        are kept in `received`)."""
        while True:
            message = self.recv(timeout)
            if message["op"] == op:
                return message
            assert message["op"] in ("event", "authenticated"), f"expected {op}, got {message}"

    def subscribe(self, topic: str, since: int | None = None) -> Message:
        fields: dict[str, Any] = {"topic": topic}
        if since is not None:
            fields["since"] = since
        self.send("subscribe", **fields)
        return self.expect("subscribed")

    def until(self, done: Callable[[Message], bool], timeout: float = 10) -> list[Message]:
        """Messages up to and including the first for which ``done`` is true."""
        got: list[Message] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; received {got}"
            message = self.recv(left)
            got.append(message)
            if done(message):
                return got

    def quiet(self, seconds: float = 0.3) -> list[Message]:
        """Everything that arrives within ``seconds``."""
        got: list[Message] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.recv(left))
            except TimeoutError:
                break
        return got

    def close_code(self, timeout: float = 10) -> int | None:
        """Read until the server closes; its close code."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.recv(deadline - time.monotonic())
        except ConnectionClosed:
            pass
        except TimeoutError:
            return None
        return None if self.ws.close_code is None else int(self.ws.close_code)


def events(messages: list[Message], topic: str | None = None) -> list[Message]:
    return [m for m in messages if m["op"] == "event" and (topic is None or m["topic"] == topic)]
