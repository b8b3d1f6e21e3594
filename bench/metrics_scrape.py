"""Benchmark: what a Prometheus scrape of the gateway's /metrics costs.

    .venv/bin/python -m bench.metrics_scrape [--articles 10000] [--scrapes 200]
    .venv/bin/python -m bench.metrics_scrape --database bench_publishing   # a seeded 1M run

Needs the embedded cluster of `make up` (or DATABASE_URL). It prepares ``bench_metrics``
(deploy, seed ``--articles``, VACUUM ANALYZE; or uses ``--database`` as it is, after
deploying what is pending), starts two real gateway processes on it and scrapes both in
turn, ``--scrapes`` times each:

* the gateway reading the statistics on every scrape (``PLATFORM_MONITOR_CACHE_SECONDS=0``:
  at a 15 s interval every scrape misses the 10 s cache anyway);
* baseline: a gateway serving the same families from its cache (no SQL: the cost of the
  endpoint itself), and a bare ``select 1`` round trip.

Printed: p50/p95 per scrape and the ratios to the baselines; the CPU time one scrape
costs the gateway process and its monitoring backend in Postgres (from /proc), and what
that adds at one scrape every 15 s, as a percentage of one core.
Targets (issue 5): p95 <= 200 ms, < 1 % CPU at a 15 s interval.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psycopg
from psycopg import sql

from bench.auth import with_database
from bench.cpu import process_seconds
from core.paths import PROJECT_ROOT
from core.settings import Settings
from gateway.monitor import APPLICATION_NAME
from ops import database, sqitch
from ops.net import free_port
from ops.seed import SeedOptions, seed, summary

BENCH_DB = "bench_metrics"
INTERVAL_SECONDS = 15


@dataclass
class Gateway:
    url: str
    process: subprocess.Popen[bytes]
    backend_pid: int | None = None


@contextmanager
def gateway(settings: Settings, dbname: str, cache_seconds: float) -> Iterator[Gateway]:
    port = free_port()
    env = {
        **os.environ,
        "PLATFORM_DB_NAME": dbname,
        "PLATFORM_GATEWAY_PORT": str(port),
        "PLATFORM_STORAGE_PORT": str(free_port()),
        "PLATFORM_SCHEDULER_TICK": "0",
        "PLATFORM_MONITOR_CACHE_SECONDS": str(cache_seconds),
    }
    if settings.database_url is not None:
        env["DATABASE_URL"] = with_database(settings.database_url, dbname)
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    gw = Gateway(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(gw.url + "/healthz", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the gateway did not come up") from None
                time.sleep(0.1)
        yield gw
    finally:
        process.terminate()
        process.wait(timeout=30)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def prepare(settings: Settings, args: argparse.Namespace) -> tuple[str, str]:
    if args.database:
        url = with_database(settings.superuser_url, args.database)
        print(f"using {args.database} as it is (deploying what is pending) ...", flush=True)
        sqitch.deploy(url, echo=False)
        database.configure(url, settings.secrets)
        return args.database, url
    url = with_database(settings.superuser_url, BENCH_DB)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        ident = sql.Identifier(BENCH_DB)
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(ident))
        conn.execute(sql.SQL("create database {}").format(ident))
    print(f"deploying the plan into {BENCH_DB} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    print(f"seeding {args.articles:,} articles ...", flush=True)
    report = seed(url, SeedOptions(articles=args.articles), lambda m: print(f"• {m}"))
    for line in summary(report):
        print("  " + line)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum (analyze)")
    return BENCH_DB, url


def monitor_backend(url: str, dbname: str) -> int | None:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "select pid from pg_stat_activity where datname = %s and application_name = %s",
            (dbname, APPLICATION_NAME),
        ).fetchall()
    return int(rows[0][0]) if len(rows) == 1 else None


@dataclass
class Run:
    timings: dict[str, list[float]]
    cpu: dict[str, float]
    series: int
    size: int


def scrape_both(settings: Settings, dbname: str, url: str, scrapes: int) -> Run:
    """Scrape the live and the cached gateway in turn; CPU of each process and backend."""
    timings: dict[str, list[float]] = {"sql": [], "cached": [], "select 1": []}
    text = ""
    with gateway(settings, dbname, 0) as live, httpx.Client(timeout=30) as client:
        for _ in range(5):  # warm up: connect, plan
            client.get(live.url + "/metrics").raise_for_status()
        backend = monitor_backend(url, dbname)  # before the second gateway connects
        if backend is None:
            raise SystemExit("no single monitoring backend found for the live gateway")
        with gateway(settings, dbname, 3600) as cached:
            client.get(cached.url + "/metrics").raise_for_status()
            pids = {"gateway": live.process.pid, "postgres": backend, "cached": cached.process.pid}
            before = {key: process_seconds(pid) for key, pid in pids.items()}
            print(f"scraping each gateway {scrapes} times, in turn ...", flush=True)
            for _ in range(scrapes):
                for key, gw in (("sql", live), ("cached", cached)):
                    started = time.perf_counter()
                    response = client.get(gw.url + "/metrics")
                    timings[key].append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                    if key == "sql":
                        text = response.text
            cpu = {key: process_seconds(pid) - before[key] for key, pid in pids.items()}
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(scrapes):
            started = time.perf_counter()
            conn.execute("select 1").fetchone()
            timings["select 1"].append((time.perf_counter() - started) * 1000)
    series = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    return Run(timings, cpu, series, len(text.encode()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to seed")
    parser.add_argument("--scrapes", type=int, default=200, help="scrapes of each gateway")
    parser.add_argument("--database", help="use this deployed, seeded database instead")
    parser.add_argument("--keep", action="store_true", help=f"keep {BENCH_DB} afterwards")
    args = parser.parse_args()
    settings = Settings.from_env()
    dbname, url = prepare(settings, args)
    try:
        run = scrape_both(settings, dbname, url, args.scrapes)
    finally:
        if not args.database and not args.keep:
            with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
                ident = sql.Identifier(BENCH_DB)
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(ident))
    report(run, dbname, args.scrapes)


def report(run: Run, dbname: str, n: int) -> None:
    t = run.timings
    print(
        f"\n=== /metrics scrape, database {dbname}, {n} scrapes each;"
        f" {run.series} series, {run.size / 1024:.0f} KiB ==="
    )
    labels = {
        "sql": "scrape reading the statistics",
        "cached": "baseline: scrape from the cache",
        "select 1": "baseline: select 1 round trip",
    }
    for key, label in labels.items():
        print(f"{label:<34} p50 {statistics.median(t[key]):7.2f} ms   p95 {p95(t[key]):7.2f} ms")
    live_p50, live_p95 = statistics.median(t["sql"]), p95(t["sql"])
    cached_ratio = live_p50 / statistics.median(t["cached"])
    select_ratio = live_p50 / statistics.median(t["select 1"])
    print(
        f"scrape / cached scrape p50: {cached_ratio:.1f}x;"
        f" scrape / select 1 p50: {select_ratio:.0f}x"
    )
    per_scrape = {key: value / n * 1000 for key, value in run.cpu.items()}
    total = per_scrape["gateway"] + per_scrape["postgres"]
    share = total / 1000 / INTERVAL_SECONDS * 100
    print(
        f"CPU per scrape: gateway {per_scrape['gateway']:.1f} ms + postgres backend"
        f" {per_scrape['postgres']:.1f} ms = {total:.1f} ms"
        f" (cached scrape: gateway {per_scrape['cached']:.1f} ms)"
    )
    print(f"at one scrape every {INTERVAL_SECONDS} s: {share:.2f} % of one core")
    verdict_latency = "OK" if live_p95 <= 200 else "BELOW TARGET"
    verdict_cpu = "OK" if share < 1 else "BELOW TARGET"
    print(
        f"\np95 <= 200 ms: {verdict_latency} ({live_p95:.1f} ms);"
        f" CPU < 1 %: {verdict_cpu} ({share:.2f} %)"
    )


if __name__ == "__main__":
    main()
