"""Benchmark: the realtime gateway against a bare relay and Django Channels, same run.

    .venv/bin/python -m bench.realtime                       # 1, 100, 1,000 clients
    .venv/bin/python -m bench.realtime --clients 1000 --duration 10 --load 150
    .venv/bin/python -m bench.realtime --systems gateway,channels --clients 1,100 \
        --duration 3 --no-load                               # a smoke run

Needs the embedded cluster of `make up` (or DATABASE_URL). It creates the database
``bench_realtime``, deploys the plan, adds a table ``bench.ticks`` whose events go to
``bench:shard:<n>`` with the audience ``{"authenticated": true}`` (so every delivery is
checked against the connection's keys), signs a user in, and starts the real gateway
and the bare relay (`bench.bare_relay`: NOTIFY payload straight to the sockets) on free
loopback ports, and the Django Channels peer (`bench.peers.channels`: redis-server and
uvicorn; needs `make bench-peers`). Clients run in a separate process
(`bench.realtime_clients`). The systems run one after the other on the same layout.

For each client count, two layouts: every client on one topic, and clients spread over
``--topics`` topics. The producer commits ticks in small transactions every 25 ms so
that each client is offered ``--rate`` events/s (default 40), one statement per event,
pipelined; a tick's ``sent_at`` is taken as its transaction is sent, so the latency is
commit-to-client (plus the transaction's own few ms). For the Channels peer the same
schedule is run by its own producer (`bench/peers/channels_peer/produce.py`), which saves
each tick through the Django ORM so that the app's post_save signal broadcasts it; our
capture trigger on ``bench.ticks`` is disabled during its runs (a Django app's table
has none), so that table pays a bare insert. A last run offers
``--load`` events/s to every one of the largest number of clients on one topic, to
find the delivered messages/s each relay sustains. Reported: delivered messages/s,
p50/p99 latency, the ratios gateway / bare relay and gateway / Channels, memory per idle
connection of the gateway and of the Channels peer.

Targets (issue #4): with authorization on, >= 0.8x the bare relay's delivered messages/s
at 1,000 clients; commit-to-client p99 <= 100 ms at 1,000 clients receiving 40 events/s.
Issue #20: >= 2x the Channels peer's delivered messages/s at 1,000 clients, with a lower
p99.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import partial

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql

from bench.auth import with_database
from bench.cpu import process_seconds, rss_kib
from bench.peers import Context, channels, wait_http
from bench.processes import process
from core.settings import EVENT_LOOPS, Settings
from ops import database, sqitch
from ops.net import free_port

BENCH_DB = "bench_realtime"
TICK_SECONDS = 0.025
SETUP = """
create schema bench;
create table bench.ticks (
  id bigint generated always as identity primary key,
  shard int not null,
  sent_at double precision not null
);
alter table bench.ticks enable row level security;
create function bench.describe_tick(op text, new jsonb, old jsonb) returns jsonb
language sql immutable
as $$ select '{"type": "tick", "audience": {"authenticated": true}}'::jsonb $$;
select events.enable('bench.ticks', array['bench:shard:{shard}'],
                     'bench.describe_tick(text, jsonb, jsonb)');
create function bench.may_follow(arg text) returns boolean language sql stable as $$ select true $$;
grant usage on schema bench to anon, authenticated;
grant execute on function bench.may_follow(text) to anon, authenticated;
select events.register_topic('bench:shard:*', 'bench.may_follow(text)', 'benchmark ticks');
"""


#: The systems, in the order each run measures them.
SYSTEMS = ("gateway", "bare", "channels")
TITLES = {"gateway": "gateway", "bare": "bare relay", "channels": "channels"}


@dataclass(frozen=True)
class Result:
    received: int
    rate: float
    p50_ms: float
    p99_ms: float


#: Commits the run's events: (shards, events/s in all, seconds) -> events committed.
Producer = Callable[[int, float, float], int]
#: A run's label, each system's result, the systems whose producer fell short.
Row = tuple[str, dict[str, Result], set[str]]


def prepare(settings: Settings) -> tuple[str, str]:
    """Create and deploy ``bench_realtime``; return its superuser URL and a user's token."""
    admin = settings.superuser_url
    url = with_database(admin, BENCH_DB)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(BENCH_DB)))  # fmt: skip
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(BENCH_DB)))
    print(f"deploying the plan into {BENCH_DB} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        conn.execute(
            "select auth.create_user('bench@example.test', 'bench password 123', 'bench', '{}')"
        )
    return url, sign_in(url)


def sign_in(url: str) -> str:
    """A fresh access token of the bench user (they last 15 minutes; a run takes longer)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "select api.login('bench@example.test', 'bench password 123') ->> 'access_token'"
        ).fetchone()
    assert row is not None
    return str(row[0])


def send_lag(metrics_url: str) -> tuple[float, float]:
    """The gateway's own commit-to-send histogram so far: (count, sum of seconds)."""
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(httpx.get(metrics_url, timeout=10).text)
        if family.name == "realtime_commit_to_send_seconds"
        for sample in family.samples
    }
    return (
        samples.get("realtime_commit_to_send_seconds_count", 0.0),
        samples.get("realtime_commit_to_send_seconds_sum", 0.0),
    )


def produce(url: str, bare: bool, shards: int, events_per_second: float, seconds: float) -> int:
    """Commit ticks every 25 ms for ``seconds``; returns how many."""
    sent = 0
    per_tick = events_per_second * TICK_SECONDS
    owed = 0.0
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.monotonic()
        next_tick = start
        while time.monotonic() - start < seconds:
            owed += per_tick
            count, owed = int(owed), owed - int(owed)
            if count:
                # One statement per event, pipelined (executemany): the producer's round
                # trips do not cap the offered rate; each row still fires its trigger.
                now = time.time()
                shards_of = [(sent + i, (sent + i) % shards) for i in range(count)]
                with conn.transaction(), conn.cursor() as cur:
                    if bare:
                        cur.executemany(
                            "select pg_notify('bench_bare', %s)",
                            [(f"bench:shard:{shard}\n" + json.dumps({
                                "op": "event", "id": n, "topic": f"bench:shard:{shard}",
                                "type": "tick",
                                "data": {"record": {"id": n, "shard": shard, "sent_at": now}},
                            }),) for n, shard in shards_of],
                        )  # fmt: skip
                    else:
                        cur.executemany(
                            "insert into bench.ticks (shard, sent_at) values (%s, %s)",
                            [(shard, now) for _, shard in shards_of],
                        )
                sent += count
            next_tick += TICK_SECONDS
            time.sleep(max(0.0, next_tick - time.monotonic()))
    return sent


def run_clients(
    ws_url: str,
    token: str | None,
    clients: int,
    topics: int,
    producer: Producer,
    rate: float,
    seconds: float,
    procs: int,
) -> tuple[Result, int]:
    """Start the client process, produce, collect; returns the result and events sent."""
    names = ",".join(f"bench:shard:{i}" for i in range(topics))
    argv = ["-m", "bench.realtime_clients", "--url", ws_url, "--clients", str(clients),
            "--topics", names, "--seconds", str(seconds), "--procs", str(procs)]  # fmt: skip
    if token:
        argv += ["--token", token]
    with process(argv) as proc:
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        if "ready" not in ready:
            raise SystemExit(f"clients did not start: {ready!r}")
        sent = producer(topics, rate * topics, seconds)
        line = proc.stdout.readline()
    data = json.loads(line)
    return Result(data["received"], data["rate"], data["p50_ms"], data["p99_ms"]), sent


@contextmanager
def capture_off(db_url: str) -> Iterator[None]:
    """Our event capture triggers off ``bench.ticks`` (the Channels runs: a Django app's
    table has none, its events leave from the app). By what they run, not by name:
    ``events.enable()`` names them (events_insert, events_update, events_delete)."""
    names = """select t.tgname from pg_catalog.pg_trigger t
                join pg_catalog.pg_proc p on p.oid = t.tgfoid
                join pg_catalog.pg_namespace n on n.oid = p.pronamespace
               where t.tgrelid = 'bench.ticks'::regclass and n.nspname = 'events'"""

    def switch(action: str) -> None:
        with psycopg.connect(db_url, autocommit=True) as conn:
            for (name,) in conn.execute(names).fetchall():
                conn.execute(
                    sql.SQL("alter table bench.ticks {} trigger {}").format(
                        sql.SQL(action), sql.Identifier(name)
                    )
                )

    switch("disable")
    try:
        yield
    finally:
        switch("enable")


def channels_producer(db_url: str, env: dict[str, str]) -> Producer:
    def producer(shards: int, events_per_second: float, seconds: float) -> int:
        with capture_off(db_url):
            return channels.produce(env, shards, events_per_second, seconds)

    return producer


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with suppress(OSError):
            total += process_seconds(pid)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,100,1000", help="comma-separated client counts")
    parser.add_argument("--topics", type=int, default=100, help="topics of the spread layout")
    parser.add_argument("--rate", type=float, default=40.0, help="events/s offered per client")
    parser.add_argument("--load", type=float, default=150.0,
                        help="events/s per client of the throughput run")  # fmt: skip
    parser.add_argument("--no-load", action="store_true", help="skip the throughput run")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated, of {', '.join(SYSTEMS)}")  # fmt: skip
    parser.add_argument("--loop", choices=EVENT_LOOPS, default="uvloop",
                        help="event loop of the gateway and the bare relay")  # fmt: skip
    parser.add_argument("--bare-send", choices=("frames", "broadcast"), default="frames",
                        help="the bare relay's sending: the gateway's prepared frames, or"
                             " websockets' broadcast")  # fmt: skip
    parser.add_argument("--read-interval", type=float, default=None,
                        help="the gateway's PLATFORM_REALTIME_READ_INTERVAL (s)")  # fmt: skip
    parser.add_argument("--channels-workers", type=int, default=channels.WORKERS,
                        help="uvicorn workers of the Channels peer")  # fmt: skip
    parser.add_argument("--channels-layer", choices=channels.LAYERS, default=channels.LAYER,
                        help="channels-redis: pubsub or core (RedisChannelLayer)")  # fmt: skip
    parser.add_argument("--channels-ws", choices=channels.WS_IMPLEMENTATIONS,
                        default=channels.WS, help="uvicorn's WebSocket implementation")  # fmt: skip
    args = parser.parse_args()
    systems = [name for name in SYSTEMS if name in args.systems.split(",")]
    if not systems or set(args.systems.split(",")) - set(SYSTEMS):
        parser.error(f"--systems: a comma-separated subset of {', '.join(SYSTEMS)}")
    settings = Settings.from_env()
    db_url, _ = prepare(settings)
    counts = [int(c) for c in args.clients.split(",")]
    gw_port, bare_port = free_port(), free_port()
    gw_env = {"PLATFORM_DB_NAME": BENCH_DB, "PLATFORM_GATEWAY_PORT": str(gw_port),
              "PLATFORM_STORAGE_PORT": str(free_port()),
              "PLATFORM_SCHEDULER_TICK": "0", "PLATFORM_GATEWAY_EVENT_LOOP": args.loop}  # fmt: skip
    if args.read_interval is not None:
        gw_env["PLATFORM_REALTIME_READ_INTERVAL"] = str(args.read_interval)
    # Every client connects from 127.0.0.1: lift the per-address cap (default 200) above
    # the largest run, as a deployment behind one proxy address would.
    gw_env["PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS"] = str(max(counts) + 100)
    bare_argv = ["-m", "bench.bare_relay", "--port", str(bare_port), "--db", db_url,
                 "--loop", args.loop, "--send", args.bare_send]  # fmt: skip
    print(f"systems: {', '.join(TITLES[s] for s in systems)}; event loop {args.loop};"
          f" bare relay sends with {args.bare_send}; Channels: {args.channels_workers}"
          f" uvicorn worker(s), {args.channels_layer} layer, --ws {args.channels_ws}",
          flush=True)  # fmt: skip
    rows: list[Row] = []
    memory: dict[str, float] = {}
    with ExitStack() as stack:
        # system -> (WebSocket URL, needs a token, producer, its processes now)
        targets: dict[str, tuple[str, bool, Producer, Callable[[], list[int]]]] = {}
        if "gateway" in systems:
            gw = stack.enter_context(process(["-m", "gateway"], gw_env))
            wait_http(f"http://127.0.0.1:{gw_port}/healthz")
            targets["gateway"] = (f"ws://127.0.0.1:{gw_port}/realtime", True,
                                  partial(produce, db_url, False), lambda: [gw.pid])  # fmt: skip
        if "bare" in systems:
            bare = stack.enter_context(process(bare_argv))
            targets["bare"] = (f"ws://127.0.0.1:{bare_port}/", False,
                               partial(produce, db_url, True), lambda: [bare.pid])  # fmt: skip
        if "channels" in systems:
            ctx = Context(database_url=db_url, authenticator_url="",
                          jwt_secret=settings.secrets.jwt_secret, port=free_port(),
                          log_dir=settings.log_dir)  # fmt: skip
            peer = channels.start(ctx, workers=args.channels_workers,
                                  layer=args.channels_layer, ws=args.channels_ws)  # fmt: skip
            stack.callback(peer.stop)
            targets["channels"] = (peer.url.replace("http:", "ws:") + "/realtime", True,
                                   channels_producer(db_url, peer.env), peer.pids)  # fmt: skip
        time.sleep(1.0)
        metrics_url = f"http://127.0.0.1:{gw_port}/metrics"
        for name in ("gateway", "channels"):
            if name in targets:
                ws_url, _, _, pids = targets[name]
                memory[name] = idle_memory(pids, ws_url, sign_in(db_url), max(counts))
        plan = [(n, 1, args.rate) for n in counts]
        plan += [(n, min(args.topics, n), args.rate) for n in counts if n > 1]
        if not args.no_load:
            plan += [(max(counts), 1, args.load)]
        for clients, topics, rate in plan:
            label = f"{clients:>5} clients, {topics:>3} topic(s), {rate:g} ev/s each"
            print(f"  {label} ...", flush=True)
            results: dict[str, Result] = {}
            notes: list[str] = []
            short: set[str] = set()
            offered = int(rate * topics * args.duration)
            token = sign_in(db_url)
            for name, (ws_url, needs_token, producer, pids) in targets.items():
                ws_token = token if needs_token else None
                watched = pids()
                cpu_before = cpu_seconds(watched)
                lag_before = send_lag(metrics_url) if name == "gateway" else (0.0, 0.0)
                results[name], sent = run_clients(
                    ws_url, ws_token, clients, topics, producer, rate, args.duration, args.procs
                )
                cpu = cpu_seconds(watched) - cpu_before
                # Every subscriber of a topic gets its events: about sent x clients / topics.
                owed = sent * clients // topics
                note = (
                    f"{TITLES[name]}: {cpu:.1f} s CPU, {results[name].received:,}/{owed:,} received"
                )
                if name == "gateway":
                    lag_after = send_lag(metrics_url)
                    events = lag_after[0] - lag_before[0]
                    mean_lag = (lag_after[1] - lag_before[1]) / events * 1000 if events else 0.0
                    note += (f", commit-to-first-write mean {mean_lag:.1f} ms"
                             f" over {events:,.0f} events")  # fmt: skip
                if offered - sent > max(1.0, 0.05 * offered):  # one tick's rounding is no shortfall
                    note += f", its producer committed only {sent:,} of {offered:,} events"
                    short.add(name)
                notes.append(note)
            print("    " + "; ".join(notes), flush=True)
            rows.append((label, results, short))
    report(rows, memory, max(counts), systems)


def idle_memory(pids: Callable[[], list[int]], ws_url: str, token: str, clients: int) -> float:
    """KiB of a server's memory (all its processes) per idle, subscribed connection."""
    before = sum(rss_kib(pid) for pid in pids())
    argv = ["-m", "bench.realtime_clients", "--url", ws_url, "--clients", str(clients),
            "--topics", "bench:shard:0", "--token", token, "--seconds", "0"]  # fmt: skip
    with process(argv) as proc:
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(1.0)
        after = sum(rss_kib(pid) for pid in pids())
    return (after - before) / clients


def report(rows: list[Row], memory: dict[str, float], clients: int, systems: list[str]) -> None:
    print()
    print(f"=== realtime benchmark: {' vs '.join(TITLES[s] for s in systems)} ===")
    ratios = [o for o in ("bare", "channels") if o in systems and "gateway" in systems]
    header = f"{'run':<40}"
    for name in systems:
        header += f"{TITLES[name] + ' msgs/s':>20}{'p50/p99 ms':>16}"
    for other in ratios:
        header += f"{'gw/' + other:>13}"
    print(header)
    for label, results, short in rows:
        line = f"{label:<40}"
        for name in systems:
            r = results[name]
            mark = "*" if name in short else " "
            line += f"{r.rate:>19,.0f}{mark}{r.p50_ms:>8.1f}/{r.p99_ms:<7.1f}"
        for other in ratios:
            line += f"{ratio(results, other):>13.2f}"
        print(line)
    if any(short for _, _, short in rows):
        print("* its producer committed fewer events than offered (the run's line says how many)")
    for name, kib in memory.items():
        print(f"{TITLES[name]} memory per idle connection: {kib:.1f} KiB ({clients:,} connections)")
    if "gateway" not in systems:
        return
    print()
    print("targets")
    big = [r for r in rows if r[0].startswith(f"{clients:>5} clients,   1 topic")]
    for label, results, _ in big:
        if "bare" in results:
            value = ratio(results, "bare")
            print(f"  {label}: delivered msgs/s gateway / bare = {value:.2f} (>= 0.80)"
                  f"  {'OK' if value >= 0.8 else 'BELOW TARGET'}")  # fmt: skip
        if "channels" in results:
            value = ratio(results, "channels")
            gw_p99, ch_p99 = results["gateway"].p99_ms, results["channels"].p99_ms
            ok = value >= 2.0 and gw_p99 < ch_p99
            print(f"  {label}: delivered msgs/s gateway / channels = {value:.2f} (>= 2.00),"
                  f" p99 {gw_p99:.1f} vs {ch_p99:.1f} ms (lower)"
                  f"  {'OK' if ok else 'BELOW TARGET'}")  # fmt: skip
    if big:
        label, results, _ = big[0]
        p99 = results["gateway"].p99_ms
        print(f"  {label}: gateway p99 {p99:.1f} ms (<= 100 ms)"
              f"  {'OK' if p99 <= 100 else 'BELOW TARGET'}")  # fmt: skip


def ratio(results: dict[str, Result], other: str) -> float:
    return results["gateway"].rate / results[other].rate if results[other].rate else 0.0


if __name__ == "__main__":
    main()
