"""The Django Channels peer of `bench.realtime`: redis-server + the Channels app under uvicorn.

The app (``bench/peers/channels_peer``) is what the seeds' blog would run for its live
updates: a post_save signal on the tick model sends each committed tick to its topic's
group through ``channels-redis``; an ``AsyncWebsocketConsumer`` authenticates our JWT,
joins the group a client subscribes to and forwards the group's messages.

``start`` launches, on free loopback ports, a private Debian ``redis-server`` (no
persistence) and uvicorn (uvloop, httptools, ``--workers`` processes), and returns a
`ChannelsServer`; ``produce`` runs the app's producer (``channels_peer/produce.py``, in
the peers' venv), which saves ticks through the ORM so that post_save fires where a
Channels app fires it: in the process that saves. Not a read peer: it serves no
``READS``, so it has no ``request``/``ids``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.peers import PEER_PYTHON, Context, Server, wait_http
from ops.net import free_port

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent / "channels_peer"
#: uvicorn worker processes. A group send reaches every worker through redis (pubsub:
#: each worker subscribes once per group and fans out to its own sockets), so workers
#: share the fan-out; two use both cores of this machine.
WORKERS = 2
#: "pubsub" (RedisPubSubChannelLayer: one PUBLISH per group send, one message per
#: worker) or "core" (RedisChannelLayer: one message per member channel, each popped
#: from redis by its worker). See docs/benchmarks.md for the measurement.
LAYER = "pubsub"
#: uvicorn's WebSocket implementation (see docs/benchmarks.md).
WS = "websockets-sansio"
LAYERS = ("pubsub", "core")
WS_IMPLEMENTATIONS = ("websockets", "websockets-sansio", "wsproto")
#: Events/s one producer process is asked for at most. Django saves one row per round
#: trip and each post_save adds a PUBLISH: one process committed 2,000-3,500 ticks/s on
#: this shared 2-core machine, short of the spread runs' 4,000 (100 topics x 40/s),
#: which therefore take four processes (`bench.realtime` says when they still fell short).
PRODUCER_RATE = 1000.0


@dataclass
class ChannelsServer(Server):
    """The running peer; ``env`` is what its producer needs (database, redis, layer)."""

    env: dict[str, str] = field(default_factory=dict)

    def stop(self, timeout: float = 10.0) -> None:
        """The app first, then redis (its workers leave their groups on the way out)."""
        extra, self.extra = self.extra, []
        try:
            super().stop(timeout)
        finally:
            self.extra = extra
            for proc in extra:
                Server("redis", "", proc).stop(timeout)


def redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise SystemExit("redis-server is missing: run `make bench-peers`")
    return found


def start(
    ctx: Context, *, workers: int = WORKERS, layer: str = LAYER, ws: str = WS
) -> ChannelsServer:
    """Start redis-server and the Channels app on ``ctx.port``; wait until both answer."""
    if not PEER_PYTHON.exists():
        raise SystemExit(f"{PEER_PYTHON} is missing: run `make bench-peers`")
    ctx.log_dir.mkdir(parents=True, exist_ok=True)
    redis_port = free_port()
    redis = subprocess.Popen(
        [redis_server(), "--port", str(redis_port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--daemonize", "no",
         "--dir", str(ctx.log_dir), "--logfile", ""],
        stdout=(ctx.log_dir / "channels-redis.log").open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    wait_redis(redis_port, redis)
    env = {
        "PEER_DATABASE_URL": ctx.database_url,
        "PEER_JWT_SECRET": ctx.jwt_secret,
        "PEER_REDIS_URL": f"redis://127.0.0.1:{redis_port}",
        "PEER_CHANNEL_LAYER": layer,
        "DJANGO_SETTINGS_MODULE": "peer.settings",
        "PYTHONPATH": str(PROJECT),
    }
    argv = [str(PEER_PYTHON), "-m", "uvicorn", "peer.asgi:application",
            "--host", "127.0.0.1", "--port", str(ctx.port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--ws", ws,
            "--ws-per-message-deflate", "false", "--lifespan", "off",
            "--no-access-log", "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(
        argv, cwd=PROJECT, env={**os.environ, **env},
        stdout=(ctx.log_dir / "channels-uvicorn.log").open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    server = ChannelsServer("channels", f"http://127.0.0.1:{ctx.port}", proc, [redis], env)
    try:
        wait_http(server.url + "/", proc=proc)
        wait_workers(proc, workers)
    except BaseException:
        server.stop()
        raise
    return server


def wait_redis(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"redis-server exited with {proc.returncode}; see its log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"redis-server did not answer on port {port} within {timeout_s:.0f} s")


def wait_workers(proc: subprocess.Popen[bytes], workers: int, timeout_s: float = 60.0) -> None:
    """Wait until every uvicorn worker has imported the app (each answers on its own)."""
    server = Server("channels", "", proc)
    deadline = time.monotonic() + timeout_s
    while len(server.pids()) < 1 + (workers if workers > 1 else 0):
        if time.monotonic() > deadline:
            raise SystemExit("uvicorn did not start its workers; see channels-uvicorn.log")
        time.sleep(0.1)
    time.sleep(1.5)  # the last worker's Django import


def produce(env: Mapping[str, str], shards: int, events_per_second: float, seconds: float) -> int:
    """Run the app's producer (ORM saves, post_save broadcasts) for ``seconds``, in as many
    processes as the rate needs (`PRODUCER_RATE` each); returns the ticks committed."""
    of = max(1, math.ceil(events_per_second / PRODUCER_RATE))
    argv = [str(PEER_PYTHON), str(PROJECT / "produce.py"), "--shards", str(shards),
            "--rate", str(events_per_second), "--seconds", str(seconds),
            "--of", str(of)]  # fmt: skip
    procs = [
        subprocess.Popen(
            [*argv, "--index", str(index)],
            cwd=PROJECT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(of)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            if "ready" not in proc.stdout.readline():
                raise SystemExit("the Channels producer did not start")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        sent = 0
        for proc in procs:
            assert proc.stdout is not None
            sent += int(json.loads(proc.stdout.readline())["sent"])
            if proc.wait():
                raise SystemExit(f"the Channels producer exited with {proc.returncode}")
        return sent
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
