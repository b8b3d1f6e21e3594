"""Benchmark: the anonymous article list through the front door (nginx, TLS) against
PostgREST direct, with the micro-cache off and on.

    .venv/bin/python -m bench.frontdoor --articles 100000            # then --reuse
    .venv/bin/python -m bench.frontdoor --duration 2 --articles 2000  # a smoke run

Needs the embedded cluster of `make up` (or DATABASE_URL). It prepares
``bench_publishing`` as `bench.publishing` does (deployed and seeded, or reused), starts
a private PostgREST and two front doors on free loopback ports in front of it, both
built by `ops.frontdoor` as ``inv up`` builds one (TLS with the data folder's local CA,
security headers, access log, rate limits raised out of wrk's way), one without the
micro-cache and one with it, then runs wrk on the article list (``/article_cards`` as
`bench.peers.ours` asks it) in ``--rounds`` interleaved rounds: direct (plain HTTP),
through the front door without the cache, through it with the cache; per path the round
of median requests/s is kept.

What it shows: what TLS and a proxy cost on the busiest anonymous read, and what a cache
of 1 s buys when many clients ask the same page (every client of wrk asks the same URL:
the best case for the cache, as a front page under load is).
"""

from __future__ import annotations

import argparse
import ssl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import psycopg
from psycopg import sql

from bench import private_postgrest, wrk
from bench.auth import median, with_database
from bench.peers.ours import LIST, READ
from bench.publishing_data import BENCH_DB, prepare
from bench.publishing_measure import wait_idle
from core.settings import Settings
from ops.frontdoor import access, certs
from ops.frontdoor.config import FrontdoorConfig
from ops.frontdoor.process import Nginx
from ops.net import free_port

PATHS = ("direct", "front door, no cache", "front door, cache")
#: Rate limits out of the way: wrk is one address asking thousands of times a second.
UNLIMITED = {"rate": 1_000_000, "burst": 1_000_000}


@contextmanager
def front_door(settings: Settings, postgrest_port: int, name: str, cache: int) -> Iterator[str]:
    """A front door before PostgREST on free ports; yields its HTTPS URL."""
    folder = settings.data_dir / f"bench-frontdoor-{name}"
    tls = certs.ensure_local(settings.tls_dir, [settings.frontdoor_host])
    config = FrontdoorConfig.from_settings(settings).but(
        folder=folder,
        error_log=folder / "error.log",
        access_log=folder / "access.log",
        cert=tls.cert,
        key=tls.key,
        postgrest=f"127.0.0.1:{postgrest_port}",
        gateway=f"127.0.0.1:{free_port()}",  # not measured here
        storage=f"127.0.0.1:{free_port()}",
        https_port=free_port(),
        http_port=free_port(),
        cache_seconds=cache,
        **UNLIMITED,
    )
    config.write()
    access.prepare(config)
    nginx = Nginx(config, pidfile=folder / "master.pid", logfile=config.error_log)
    nginx.stop()
    nginx.start()
    try:
        trust = ssl.create_default_context(cafile=str(tls.ca))
        check = httpx.get(config.url + "/rest" + LIST, headers=READ, verify=trust, timeout=30)
        if check.status_code != 200 or check.json() == []:
            raise SystemExit(f"{name}: the article list answered {check.status_code}")
        yield config.url + "/rest"
    finally:
        nginx.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds (median kept)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--cache", type=int, default=1, help="micro-cache seconds (cache on)")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep {BENCH_DB} afterwards (always with --reuse)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"reuse {BENCH_DB} if it holds --articles articles"
    )
    parser.add_argument(
        "--replace", action="store_true", help=f"drop a seeded {BENCH_DB} that is not reused"
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    url = with_database(settings.superuser_url, BENCH_DB)
    prepare(settings, url, args.articles, args.seed, args.reuse, args.replace)
    server = private_postgrest.start(settings, url, "bench-frontdoor")
    runs: dict[str, list[wrk.WrkResult]] = {path: [] for path in PATHS}
    try:
        with ExitStack() as stack:
            urls = {
                "direct": server.url,
                "front door, no cache": stack.enter_context(
                    front_door(settings, server.port, "nocache", 0)
                ),
                "front door, cache": stack.enter_context(
                    front_door(settings, server.port, "cache", args.cache)
                ),
            }
            for round_no in range(1, args.rounds + 1):
                for path in PATHS:
                    print(f"  wrk round {round_no}/{args.rounds}: {path} ...", flush=True)
                    wait_idle(url)
                    runs[path].append(
                        wrk.run(
                            urls[path] + LIST,
                            headers=READ,
                            duration_s=args.duration,
                            connections=args.connections,
                        )
                    )
    finally:
        server.stop()
        if not (args.keep or args.reuse):
            with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(BENCH_DB)
                    )
                )
    report({path: median(results) for path, results in runs.items()}, args.connections, args.cache)


def report(results: dict[str, wrk.WrkResult], connections: int, cache: int) -> None:
    print()
    print(
        f"Anonymous article list (GET /article_cards, 20 rows), wrk {connections} connections,"
        " median round:"
    )
    for path, result in results.items():
        print("  " + result.line(path))
    direct = results["direct"].requests_per_second
    plain = results["front door, no cache"].requests_per_second
    cached = results["front door, cache"].requests_per_second
    print()
    print(f"  front door (TLS), no cache / direct   {plain / direct:6.2f}x")
    print(f"  front door (TLS), cache {cache} s / direct {cached / direct:6.2f}x")
    print(f"  cache / no cache                      {cached / plain:6.2f}x")
    failed = {p: r.non_2xx for p, r in results.items() if r.non_2xx}
    if failed:
        print(f"  non-2xx answers (the figures are not comparable): {failed}")


if __name__ == "__main__":
    main()
