"""Benchmark: the realtime gateway against a bare LISTEN -> WebSocket relay, same run.

    .venv/bin/python -m bench.realtime                       # 1, 100, 1,000 clients
    .venv/bin/python -m bench.realtime --clients 1000 --duration 10 --load 150

Needs the embedded cluster of `make up` (or DATABASE_URL). It creates the database
``bench_realtime``, deploys the plan, adds a table ``bench.ticks`` whose events go to
``bench:shard:<n>`` with the audience ``{"authenticated": true}`` (so every delivery is
checked against the connection's keys), signs a user in, and starts the real gateway
and the bare relay (`bench.bare_relay`: NOTIFY payload straight to the sockets) on free
loopback ports. Clients run in a separate process (`bench.realtime_clients`).

For each client count, two layouts: every client on one topic, and clients spread over
``--topics`` topics. The producer commits ticks in small transactions every 25 ms so
that each client is offered ``--rate`` events/s (default 40), one statement per event,
pipelined; a tick's ``sent_at`` is taken as its transaction is sent, so the latency is
commit-to-client (plus the transaction's own few ms). A last run offers
``--load`` events/s to every one of the largest number of clients on one topic, to
find the delivered messages/s each relay sustains. Reported: delivered messages/s,
p50/p99 latency, the ratio gateway / bare relay, the gateway's memory per idle
connection.

Targets (issue #4): with authorization on, >= 0.8x the bare relay's delivered messages/s
at 1,000 clients; commit-to-client p99 <= 100 ms at 1,000 clients receiving 40 events/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql

from bench.auth import with_database
from bench.cpu import process_seconds
from core.paths import PROJECT_ROOT
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


@dataclass(frozen=True)
class Result:
    received: int
    rate: float
    p50_ms: float
    p99_ms: float


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
        row = conn.execute(
            "select api.login('bench@example.test', 'bench password 123') ->> 'access_token'"
        ).fetchone()
    assert row is not None
    return url, str(row[0])


@contextmanager
def process(args: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_http(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


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


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


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
    produce_args: tuple[str, bool, float],
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
        db_url, bare, rate = produce_args
        sent = produce(db_url, bare, topics, rate * topics, seconds)
        line = proc.stdout.readline()
    data = json.loads(line)
    return Result(data["received"], data["rate"], data["p50_ms"], data["p99_ms"]), sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,100,1000", help="comma-separated client counts")
    parser.add_argument("--topics", type=int, default=100, help="topics of the spread layout")
    parser.add_argument("--rate", type=float, default=40.0, help="events/s offered per client")
    parser.add_argument("--load", type=float, default=150.0,
                        help="events/s per client of the throughput run")  # fmt: skip
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--loop", choices=EVENT_LOOPS, default="uvloop",
                        help="event loop of the gateway and the bare relay")  # fmt: skip
    parser.add_argument("--bare-send", choices=("frames", "broadcast"), default="frames",
                        help="the bare relay's sending: the gateway's prepared frames, or"
                             " websockets' broadcast")  # fmt: skip
    parser.add_argument("--read-interval", type=float, default=None,
                        help="the gateway's PLATFORM_REALTIME_READ_INTERVAL (s)")  # fmt: skip
    args = parser.parse_args()
    settings = Settings.from_env()
    db_url, token = prepare(settings)
    counts = [int(c) for c in args.clients.split(",")]
    gw_port, bare_port = free_port(), free_port()
    gw_env = {"PLATFORM_DB_NAME": BENCH_DB, "PLATFORM_GATEWAY_PORT": str(gw_port),
              "PLATFORM_SCHEDULER_TICK": "0", "PLATFORM_GATEWAY_EVENT_LOOP": args.loop}  # fmt: skip
    if args.read_interval is not None:
        gw_env["PLATFORM_REALTIME_READ_INTERVAL"] = str(args.read_interval)
    # Every client connects from 127.0.0.1: lift the per-address cap (default 200) above
    # the largest run, as a deployment behind one proxy address would.
    gw_env["PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS"] = str(max(counts) + 100)
    bare_argv = ["-m", "bench.bare_relay", "--port", str(bare_port), "--db", db_url,
                 "--loop", args.loop, "--send", args.bare_send]  # fmt: skip
    print(f"event loop {args.loop}; bare relay sends with {args.bare_send}", flush=True)
    rows: list[tuple[str, Result, Result, int]] = []
    with (
        process(["-m", "gateway"], gw_env) as gw,
        process(bare_argv) as bare,
    ):
        wait_http(f"http://127.0.0.1:{gw_port}/healthz")
        time.sleep(1.0)
        gw_ws = f"ws://127.0.0.1:{gw_port}/realtime"
        metrics_url = f"http://127.0.0.1:{gw_port}/metrics"
        bare_ws = f"ws://127.0.0.1:{bare_port}/"
        memory = idle_memory(gw.pid, gw_ws, token, max(counts))
        plan = [(n, 1, args.rate) for n in counts]
        plan += [(n, min(args.topics, n), args.rate) for n in counts if n > 1]
        plan += [(max(counts), 1, args.load)]
        for clients, topics, rate in plan:
            label = f"{clients:>5} clients, {topics:>3} topic(s), {rate:g} ev/s each"
            print(f"  {label} ...", flush=True)
            seconds, procs = args.duration, args.procs
            lag_before, cpu_before = send_lag(metrics_url), process_seconds(gw.pid)
            gw_result, sent = run_clients(
                gw_ws, token, clients, topics, (db_url, False, rate), seconds, procs
            )
            lag_after, gw_cpu = send_lag(metrics_url), process_seconds(gw.pid) - cpu_before
            bare_before = process_seconds(bare.pid)
            bare_result, _ = run_clients(
                bare_ws, None, clients, topics, (db_url, True, rate), seconds, procs
            )
            bare_cpu = process_seconds(bare.pid) - bare_before
            events = lag_after[0] - lag_before[0]
            mean_lag = (lag_after[1] - lag_before[1]) / events * 1000 if events else 0.0
            print(
                f"    gateway: {gw_cpu:.1f} s CPU, commit-to-first-write mean {mean_lag:.1f} ms"
                f" over {events:,.0f} events; bare relay: {bare_cpu:.1f} s CPU",
                flush=True,
            )
            rows.append((label, gw_result, bare_result, sent))
    report(rows, memory, max(counts))


def idle_memory(pid: int, ws_url: str, token: str, clients: int) -> float:
    """KiB of gateway memory per idle, subscribed connection."""
    before = rss_kib(pid)
    argv = ["-m", "bench.realtime_clients", "--url", ws_url, "--clients", str(clients),
            "--topics", "bench:shard:0", "--token", token, "--seconds", "0"]  # fmt: skip
    with process(argv) as proc:
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(1.0)
        after = rss_kib(pid)
    return (after - before) / clients


def report(rows: list[tuple[str, Result, Result, int]], memory: float, clients: int) -> None:
    print()
    print("=== realtime benchmark: gateway (outbox, SQL authorization) vs bare relay ===")
    print(f"{'run':<40}{'gateway msgs/s':>15}{'p50/p99 ms':>18}{'bare msgs/s':>13}"
          f"{'p50/p99 ms':>18}{'ratio':>7}")  # fmt: skip
    for label, gw, bare, _ in rows:
        ratio = gw.rate / bare.rate if bare.rate else 0.0
        gw_cells = f"{gw.rate:>15,.0f}{gw.p50_ms:>9.1f}/{gw.p99_ms:<8.1f}"
        bare_cells = f"{bare.rate:>13,.0f}{bare.p50_ms:>9.1f}/{bare.p99_ms:<8.1f}"
        print(f"{label:<40}{gw_cells}{bare_cells}{ratio:>7.2f}")
    print(f"gateway memory per idle connection: {memory:.1f} KiB ({clients:,} connections)")
    print()
    print("targets")
    big = [r for r in rows if r[0].startswith(f"{clients:>5} clients,   1 topic")]
    for label, gw, bare, _ in big:
        ratio = gw.rate / bare.rate if bare.rate else 0.0
        print(f"  {label}: delivered msgs/s gateway / bare = {ratio:.2f} (>= 0.80)"
              f"  {'OK' if ratio >= 0.8 else 'BELOW TARGET'}")  # fmt: skip
    if big:
        label, gw, _, _ = big[0]
        print(f"  {label}: gateway p99 {gw.p99_ms:.1f} ms (<= 100 ms)"
              f"  {'OK' if gw.p99_ms <= 100 else 'BELOW TARGET'}")  # fmt: skip


if __name__ == "__main__":
    main()
