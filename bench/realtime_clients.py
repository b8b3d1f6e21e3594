"""The client side of `bench.realtime`, in its own processes: N WebSocket clients.

Each client opens a real WebSocket (the `websockets` library does the HTTP upgrade and
the subscribe round trip), then hands the socket to a lean asyncio protocol that
parses the server's frames itself: the full client stack costs about as much CPU per
message as the gateway, and a measuring process that cannot keep up adds its own
queueing to every latency. Each event's delay is measured from ``sent_at`` (epoch
seconds written by the producer just before its commit) to the moment its frame is
read. Pings are answered. Prints ``{"ready": n}`` once every client is subscribed, then
one JSON line when ``--seconds`` after the first event have passed.

``--procs`` splits the clients over that many processes (run by this one) and merges
their samples, so a 1,000-client run is not limited by one Python process.

    python -m bench.realtime_clients --url ws://127.0.0.1:3001/realtime --clients 100 \\
        --topics bench:all --token ... --seconds 10 --procs 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import struct
import subprocess
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

STAMP = b'"sent_at":'
OP_TEXT, OP_CLOSE, OP_PING = 0x1, 0x8, 0x9


class Counter:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.first = 0.0
        self.last = 0.0
        self.got_first = asyncio.Event()

    def event(self, payload: bytes, now: float) -> None:
        at = payload.find(STAMP)
        if at < 0:
            return
        start = at + len(STAMP)
        end = start
        while payload[end] not in b",}":
            end += 1
        if not self.first:
            self.first = now
            self.got_first.set()
        self.last = now
        self.latencies.append(now - float(payload[start:end]))


class Frames(asyncio.Protocol):
    """Reads server frames (unmasked) from a socket already upgraded and subscribed."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buffer
        buf += data
        offset = 0
        while len(buf) - offset >= 2:
            opcode = buf[offset] & 0x0F
            length = buf[offset + 1] & 0x7F
            header = 2
            if length == 126:
                if len(buf) - offset < 4:
                    break
                (length,) = struct.unpack_from("!H", buf, offset + 2)
                header = 4
            elif length == 127:
                if len(buf) - offset < 10:
                    break
                (length,) = struct.unpack_from("!Q", buf, offset + 2)
                header = 10
            if len(buf) - offset < header + length:
                break
            payload = bytes(buf[offset + header : offset + header + length])
            offset += header + length
            if opcode == OP_TEXT:
                self.counter.event(payload, now)
            elif opcode == OP_PING:
                self.pong(payload)
            elif opcode == OP_CLOSE and self.transport is not None:
                self.transport.close()
        del buf[:offset]

    def pong(self, payload: bytes) -> None:
        # Client frames are masked; a zero mask keeps the payload as it is.
        if self.transport is not None:
            self.transport.write(bytes([0x8A, 0x80 | len(payload), 0, 0, 0, 0]) + payload)


async def subscribe(ws: ClientConnection, topic: str) -> None:
    await ws.send(json.dumps({"op": "subscribe", "topic": topic}))
    while True:
        reply = json.loads(await ws.recv())
        if reply.get("op") == "subscribed":
            return
        if reply.get("op") == "error":
            raise SystemExit(f"subscribe {topic}: {reply}")


async def open_one(target: str, topic: str, counter: Counter) -> asyncio.Transport:
    """Upgrade and subscribe with the real client, then move the socket to `Frames`."""
    ws = await connect(target, compression=None, max_size=None, open_timeout=60, ping_interval=None)
    await subscribe(ws, topic)
    raw: socket.socket = ws.transport.get_extra_info("socket")
    sock = socket.socket(fileno=os.dup(raw.fileno()))
    ws.transport.abort()  # the duplicate keeps the connection open
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_accepted_socket(lambda: Frames(counter), sock)
    return transport


async def run(
    url: str, clients: int, topics: list[str], token: str | None, seconds: float, offset: int
) -> dict[str, Any]:
    target = url if token is None else f"{url}?token={token}"
    counter = Counter()
    transports = []
    for start in range(0, clients, 100):  # a burst of 1,000 upgrades at once times out
        batch = range(start, min(clients, start + 100))
        transports += await asyncio.gather(
            *(open_one(target, topics[(offset + i) % len(topics)], counter) for i in batch)
        )
    print(json.dumps({"ready": clients}), flush=True)
    if seconds <= 0:
        await asyncio.sleep(3600)
    await counter.got_first.wait()
    await asyncio.sleep(seconds)
    await asyncio.sleep(1.0)  # stragglers of the last events
    for transport in transports:
        transport.abort()
    return {"latencies": counter.latencies, "first": counter.first, "last": counter.last}


def summary(parts: list[dict[str, Any]]) -> dict[str, float]:
    latencies = sorted(x for part in parts for x in part["latencies"])
    firsts = [p["first"] for p in parts if p["first"]]
    span = max(1e-9, max((p["last"] for p in parts), default=0.0) - min(firsts, default=0.0))

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {"received": len(latencies), "span": span, "rate": len(latencies) / span,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99)}  # fmt: skip


def run_split(args: argparse.Namespace) -> None:
    """Run ``--procs`` worker processes and merge what they measured."""
    share = [
        args.clients // args.procs + (i < args.clients % args.procs) for i in range(args.procs)
    ]
    workers = []
    offset = 0
    for count in share:
        argv = [sys.executable, "-m", "bench.realtime_clients", "--url", args.url,
                "--clients", str(count), "--topics", args.topics, "--seconds", str(args.seconds),
                "--offset", str(offset), "--raw"]  # fmt: skip
        if args.token:
            argv += ["--token", args.token]
        workers.append(subprocess.Popen(argv, stdout=subprocess.PIPE, text=True))
        offset += count
    for worker in workers:
        assert worker.stdout is not None
        if "ready" not in worker.stdout.readline():
            raise SystemExit("a client process did not start")
    print(json.dumps({"ready": args.clients}), flush=True)
    parts = []
    for worker in workers:
        assert worker.stdout is not None
        parts.append(json.loads(worker.stdout.readline()))
        worker.wait()
    print(json.dumps(summary(parts)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--topics", required=True, help="comma-separated; client i takes i % n")
    parser.add_argument("--token")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--procs", type=int, default=1, help="client processes")
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.procs > 1 and args.clients > 1:
        run_split(args)
        return
    topics = args.topics.split(",")
    result = asyncio.run(run(args.url, args.clients, topics, args.token, args.seconds, args.offset))
    print(json.dumps(result if args.raw else summary([result])), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
