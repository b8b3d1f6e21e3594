"""The real gateway process for tests, and a real WebSocket client of ``/realtime``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.sync.client import ClientConnection, connect
from websockets.uri import parse_uri

from core.paths import PROJECT_ROOT
from ops.net import free_port
from tests.fix_cluster import SETTINGS, TEST_DATA_DIR, TEST_PG_PORT

Message = dict[str, Any]


@dataclass
class GatewayProcess:
    url: str
    process: subprocess.Popen[bytes]
    storage_url: str = ""
    storage_dir: Path = Path()

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

    Its storage service gets a free port and a folder of its own, removed afterwards
    (unless ``extra_env`` names ``PLATFORM_STORAGE_DIR``).
    ``extra_env`` adds settings (e.g. ``PLATFORM_SCHEDULER_TICK``); ``log`` receives its
    output instead of the test's captured output. With ``wait_realtime`` it yields once
    the realtime reader has read the outbox (events committed later are delivered live).
    """
    port = port or free_port()
    storage_port = free_port()
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
        "PLATFORM_PG_PORT": str(TEST_PG_PORT),
        "PLATFORM_DB_NAME": db_name,
        "PLATFORM_GATEWAY_PORT": str(port),
        # Every test gateway has its storage service on a port and in a folder of its own.
        "PLATFORM_STORAGE_PORT": str(storage_port),
        "PLATFORM_STORAGE_DIR": str(TEST_DATA_DIR / "storage" / f"{db_name}-{port}"),
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
    running = GatewayProcess(
        f"http://127.0.0.1:{port}",
        process,
        storage_url=f"http://127.0.0.1:{env['PLATFORM_STORAGE_PORT']}",
        storage_dir=Path(env["PLATFORM_STORAGE_DIR"]),
    )
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
        if "PLATFORM_STORAGE_DIR" not in (extra_env or {}):
            shutil.rmtree(running.storage_dir, ignore_errors=True)  # the folder made for it


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
        """Everything that arrives within ``seconds`` (0: what is already there)."""
        got: list[Message] = []
        deadline = time.monotonic() + seconds
        while True:
            try:
                got.append(self.recv(max(0.0, deadline - time.monotonic())))
            except TimeoutError:
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


class StuckClient:
    """A client that stops reading after subscribing, like a frozen browser tab.

    A plain socket with a 4 KiB receive buffer (so the kernel does not absorb megabytes)
    speaking WebSocket through websockets' own sans-I/O client protocol.
    """

    def __init__(self, url: str) -> None:
        uri = parse_uri(url)
        self.protocol = ClientProtocol(uri)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect((uri.host, uri.port))
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        self.messages: list[Message] = []
        self.close_code: int | None = None
        while self.protocol.state is State.CONNECTING:
            self._feed(self.sock.recv(4096))

    def subscribe(self, topic: str) -> None:
        self.protocol.send_text(json.dumps({"op": "subscribe", "topic": topic}).encode())
        self._flush()
        while not any(m["op"] == "subscribed" for m in self.messages):
            self._feed(self.sock.recv(4096))

    def read_to_the_end(self, timeout: float = 60) -> None:
        """Read everything the server sent, up to its close frame or EOF."""
        self.sock.settimeout(timeout)
        while self.close_code is None:
            data = self.sock.recv(1 << 20)
            if not data:
                break
            self._feed(data)

    def close(self) -> None:
        self.sock.close()

    def _feed(self, data: bytes) -> None:
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.messages.append(json.loads(bytes(event.data)))
            elif isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                self.close_code = Close.parse(event.data).code
        with contextlib.suppress(OSError):
            self._flush()

    def _flush(self) -> None:
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.sock.sendall(chunk)
