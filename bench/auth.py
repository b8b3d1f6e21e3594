"""Benchmark: the cost of authentication through PostgREST 12.0.2.

    .venv/bin/python -m bench.auth [--duration 10] [--connections 50]

Needs the embedded cluster of `make up` (or DATABASE_URL). It deploys the plan into a
scratch database ``platform_bench``, adds one trivial function, starts a private
PostgREST on free loopback ports, and measures with wrk in the same run:

* baseline: anonymous ``GET /rpc/bench_ping`` (a trivial SQL function);
* authenticated ``GET /rpc/bench_ping`` (JWT check + pre-request session lookup);
* authenticated ``GET /rpc/me`` (the same, plus reading the account);
* login (bcrypt) latency p50/p95 over sequential calls.

Target (issue #2): authenticated ``/rpc/me`` >= 0.8x the baseline's requests per second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

from bench import private_postgrest, wrk
from core.settings import Settings
from ops import database, sqitch

BENCH_DB = "platform_bench"
PING = """
create function api.bench_ping() returns int language sql stable set search_path = '' as 'select 1';
grant execute on function api.bench_ping() to anon, authenticated;
"""


def with_database(url: str, dbname: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + quote(dbname, safe="")))


def median(results: list[wrk.WrkResult]) -> wrk.WrkResult:
    """The run with the median throughput (so its latencies belong to the same run)."""
    return sorted(results, key=lambda r: r.requests_per_second)[len(results) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--logins", type=int, default=40, help="sequential logins timed")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; the median round is reported"
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    secrets = settings.secrets
    admin_url = settings.superuser_url
    bench_url = with_database(admin_url, BENCH_DB)
    print(f"preparing {BENCH_DB} (deploying the plan) ...", flush=True)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(BENCH_DB)))
    sqitch.deploy(bench_url, echo=False)
    database.configure(bench_url, secrets)
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute(PING)

    server = private_postgrest.start(settings, bench_url, "bench")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            body = {
                "email": "bench@example.test",
                "password": "correct horse battery",
                "username": "bench",
            }
            token = api.post("/rpc/register", json=body).json()["access_token"]
            login_ms = []
            for _ in range(args.logins):
                started = time.perf_counter()
                response = api.post(
                    "/rpc/login", json={"email": body["email"], "password": body["password"]}
                )
                login_ms.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        auth = {"Authorization": f"Bearer {token}"}
        run = {"duration_s": args.duration, "connections": args.connections}
        rounds: dict[str, list[wrk.WrkResult]] = {"base": [], "ping": [], "me": []}
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}/{args.rounds} ...", flush=True)
            rounds["base"].append(wrk.run(f"{server.url}/rpc/bench_ping", **run))
            rounds["ping"].append(wrk.run(f"{server.url}/rpc/bench_ping", headers=auth, **run))
            rounds["me"].append(wrk.run(f"{server.url}/rpc/me", headers=auth, **run))
        base, ping, me = (median(rounds[name]) for name in ("base", "ping", "me"))
    finally:
        server.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(BENCH_DB))
            )

    print()
    print(base.line("anonymous GET /rpc/bench_ping (baseline)"))
    print(ping.line("authenticated GET /rpc/bench_ping"))
    print(me.line("authenticated GET /rpc/me"))
    quantiles = statistics.quantiles(login_ms, n=20)
    print(
        f"{'POST /rpc/login (bcrypt cost 10), sequential':<44}"
        f" p50 {statistics.median(login_ms):6.1f} ms"
        f"   p95 {quantiles[18]:6.1f} ms   (n={len(login_ms)})"
    )
    print()
    ratio = me.requests_per_second / base.requests_per_second
    print(
        f"ratio authenticated /rpc/me : anonymous ping = {ratio:.2f}  (target >= 0.80)"
        f"  {'OK' if ratio >= 0.8 else 'BELOW TARGET'}"
    )
    print(
        f"ratio authenticated ping    : anonymous ping = "
        f"{ping.requests_per_second / base.requests_per_second:.2f}"
    )


if __name__ == "__main__":
    main()
