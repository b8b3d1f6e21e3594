"""The baseline of `bench.realtime`: a bare LISTEN -> WebSocket relay.

No outbox, no sequencing, no authorization, no resume: the producer's NOTIFY payload
(``<topic>\\n<message>``) is sent as is to the connections subscribed to that topic. By
default it sends the way the gateway does (the same event loop, the same server options,
the same prepared frames of `gateway.frames`), so that the ratio measures what the
gateway adds: the outbox, sequencing and authorization. ``--loop asyncio --send
broadcast`` gives the plain relay of websockets' documentation. Run by the bench:

    python -m bench.bare_relay --port 3091 --db postgresql://.../bench_realtime
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict

import psycopg
from websockets.asyncio.server import ServerConnection, broadcast, serve

from core.settings import EVENT_LOOPS
from gateway import frames
from gateway.__main__ import loop_factory

CHANNEL = "bench_bare"


async def relay(port: int, db_url: str, send: str) -> None:
    topics: dict[str, set[ServerConnection]] = defaultdict(set)

    async def handler(connection: ServerConnection) -> None:
        joined: list[str] = []
        try:
            async for raw in connection:
                message = json.loads(raw)
                if message.get("op") == "subscribe":
                    topics[message["topic"]].add(connection)
                    joined.append(message["topic"])
                    await connection.send(
                        json.dumps({"op": "subscribed", "topic": message["topic"]})
                    )
        finally:
            for topic in joined:
                topics[topic].discard(connection)

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=64 * 1024):
        conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
        async with conn:
            await conn.execute(f"listen {CHANNEL}")
            async for note in conn.notifies():
                topic, _, message = note.payload.partition("\n")
                targets = topics.get(topic)
                if not targets:
                    continue
                if send == "broadcast":
                    broadcast(targets, message)
                else:
                    frame = frames.prepare(message)
                    for connection in targets:
                        frames.write(connection, frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--loop", choices=EVENT_LOOPS, default="uvloop", help="event loop")
    parser.add_argument(
        "--send",
        choices=("frames", "broadcast"),
        default="frames",
        help="prepared frames (as the gateway) or websockets' broadcast",
    )
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=loop_factory(args.loop)) as runner:
        runner.run(relay(args.port, args.db, args.send))


if __name__ == "__main__":
    main()
