"""The Channels run's producer: ticks saved through the Django ORM, so post_save fires.

The same schedule as `bench.realtime.produce`: every 25 ms, the events owed at
``--rate`` events/s are committed in one transaction, one INSERT per event (here
``Tick.objects.create``: Django sends them one by one), ``sent_at`` taken once just
before the transaction, shards round-robin. The broadcast is the app's own: each save's
post_save handler sends the committed tick to its topic's group (ticks.signals).

The saves run as a Django view under uvicorn runs them: sync code in ``sync_to_async``'s
thread beside a uvloop event loop, so ``async_to_sync(group_send)`` reuses that loop and
its redis connection (under WSGI it would open a loop, and a connection, per call).

Saving one row at a time, one process commits a few thousand ticks/s here, so the bench
splits a higher rate over ``--of`` processes (like an app's web workers saving side by
side): process ``--index`` k commits events k, k + n, k + 2n... of the schedule, at
``--rate`` / n. Each prints ``{"ready": true}`` once connected, starts on a line on its
stdin (so that all start together), and prints ``{"sent": n}`` when done.

    .tools/peers/venv/bin/python bench/peers/channels_peer/produce.py \\
        --shards 100 --rate 4000 --seconds 10 < /dev/null
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

TICK_SECONDS = 0.025


def connect() -> None:
    from django.db import connection

    connection.ensure_connection()


def save_ticks(shards: list[int], sent_at: float) -> None:
    from django.db import transaction
    from ticks.models import Tick

    with transaction.atomic():
        for shard in shards:
            Tick.objects.create(shard=shard, sent_at=sent_at)


async def produce(
    shards: int, events_per_second: float, seconds: float, index: int, of: int
) -> int:
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    save = sync_to_async(save_ticks, thread_sensitive=True)
    await sync_to_async(connect, thread_sensitive=True)()
    await get_channel_layer().group_send("bench.warmup", {"type": "noop"})  # connect redis
    print(json.dumps({"ready": True}), flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    sent = 0
    per_tick = events_per_second / of * TICK_SECONDS
    owed = 0.0
    start = time.monotonic()
    next_tick = start
    while time.monotonic() - start < seconds:
        owed += per_tick
        count, owed = int(owed), owed - int(owed)
        if count:
            now = time.time()
            await save([((sent + i) * of + index) % shards for i in range(count)], now)
            sent += count
        next_tick += TICK_SECONDS
        await asyncio.sleep(max(0.0, next_tick - time.monotonic()))
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True, help="events/s of all processes")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--index", type=int, default=0, help="this process, from 0")
    parser.add_argument("--of", type=int, default=1, help="producer processes in all")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
    import django
    import uvloop

    django.setup()
    sent = uvloop.run(produce(args.shards, args.rate, args.seconds, args.index, args.of))
    print(json.dumps({"sent": sent}), flush=True)


if __name__ == "__main__":
    main()
