"""The client side of `bench.realtime`, in its own process: N WebSocket clients.

Each client connects (with ``?token=`` when given), subscribes to its topic, then counts
the events it receives and the delay from ``sent_at`` (epoch seconds written by the
producer just before its commit) to reception. Prints one JSON line when ``--seconds``
after the first event have passed, or on SIGTERM.

    python -m bench.realtime_clients --url ws://127.0.0.1:3001/realtime --clients 100 \\
        --topics bench:all --token ... --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from websockets.asyncio.client import ClientConnection, connect


async def run(url: str, clients: int, topics: list[str], token: str | None, seconds: float) -> None:
    target = url if token is None else f"{url}?token={token}"
    latencies: list[float] = []
    first: list[float] = []
    last = [0.0]
    counts = [0]

    async def one(i: int, ready: asyncio.Event, opened: list[int]) -> None:
        async with connect(target, compression=None, max_size=None, open_timeout=60) as ws:
            await subscribe(ws, topics[i % len(topics)])
            opened[0] += 1
            if opened[0] == clients:
                ready.set()
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("op") != "event":
                    continue
                if not first:
                    first.append(now)
                    got_first.set()
                counts[0] += 1
                last[0] = now
                latencies.append(now - float(message["data"]["record"]["sent_at"]))

    ready = asyncio.Event()
    got_first = asyncio.Event()
    opened = [0]
    tasks = [asyncio.create_task(one(i, ready, opened)) for i in range(clients)]
    await ready.wait()
    print(json.dumps({"ready": clients}), flush=True)
    await got_first.wait()
    await asyncio.sleep(seconds)
    await asyncio.sleep(1.0)  # stragglers of the last events
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    span = max(1e-9, last[0] - first[0])

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    print(json.dumps({"received": counts[0], "span": span, "rate": counts[0] / span,
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99)}), flush=True)  # fmt: skip


async def subscribe(ws: ClientConnection, topic: str) -> None:
    await ws.send(json.dumps({"op": "subscribe", "topic": topic}))
    while True:
        reply = json.loads(await ws.recv())
        if reply.get("op") == "subscribed":
            return
        if reply.get("op") == "error":
            raise SystemExit(f"subscribe {topic}: {reply}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--topics", required=True, help="comma-separated; client i takes i % n")
    parser.add_argument("--token")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.clients, args.topics.split(","), args.token, args.seconds))
    sys.exit(0)


if __name__ == "__main__":
    main()
