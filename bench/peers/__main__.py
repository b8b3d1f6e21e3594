"""Benchmark: the same reads and write served by our PostgREST, by Django + DRF and by
PostGraphile 5, side by side on the same database in one run.

    .venv/bin/python -m bench.peers --articles 100000
    .venv/bin/python -m bench.peers --articles 1000000 --rounds 3 --duration 10

Needs the embedded cluster of `make up` (or DATABASE_URL) and the peers, which it
installs when missing (``bench/peers/install.sh``, i.e. ``make bench-peers``: Debian's
redis-server, a virtualenv in .tools/peers, PostGraphile from the npm registry).

It deploys and seeds the database ``bench_peers_<articles>`` (kept: seeding a million
articles takes 20 minutes; ``--replace`` seeds it again), starts every system on free
loopback ports, checks that every system answers every read with the same ids, then
runs ``--rounds`` interleaved rounds (each read, each system, the systems' order
rotating) of wrk for ``--duration`` seconds with ``--connections`` connections, and
keeps each system's median round per read. Reads: the article list (20 newest, with
author, category and tags), the article page (with 40-odd approved comments), search
for a common and a rare word, a signed-in author's own drafts; the write: a signed-in
reader posting a comment (our audit and outbox triggers fire for every system: it is
the same table). Printed per read and system: req/s, p50, p99, the server's and the
database's CPU per request, the server's memory, and our req/s over each peer's.

Targets (issue 20): our req/s >= 1.2x the best peer's on every read and the write, and
our p99 no worse than the best peer's.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import psycopg

from bench.auth import with_database
from bench.peers import READS, ROOT, WRITE, Context, Fixtures, Request, fixtures, ours
from bench.peers.measure import Run, timed
from bench.peers.report import report
from bench.publishing_data import prepare
from bench.publishing_measure import wait_idle
from core.settings import Settings
from ops import database
from ops.net import free_port

PEERS = ("drf", "graphile")


@dataclass
class System:
    name: str
    url: str
    pids: Callable[[], list[int]]
    request: Callable[[str, Fixtures], Request]
    ids: Callable[[str, bytes], list[object]]
    extra_reads: dict[str, str]  # read measured only here -> the read it stands beside
    stop: Callable[[], None]


def install_peers() -> None:
    script = ROOT / "bench" / "peers" / "install.sh"
    print("installing the peers when missing (bench/peers/install.sh) ...", flush=True)
    subprocess.run(["bash", str(script)], check=True)


def start_ours(settings: Settings, ctx: Context) -> System:
    server = ours.start(ctx, settings)

    def pids() -> list[int]:
        pid = server.process.pid()
        return [pid] if pid else []

    def stop() -> None:
        server.stop()

    return System("ours", server.url, pids, ours.request, ours.ids, {}, stop)


def start_peer(name: str, ctx: Context) -> System:
    module: ModuleType = importlib.import_module(f"bench.peers.{name}")
    for needed in ("NAME", "start", "request", "ids"):
        if not hasattr(module, needed):
            raise SystemExit(f"bench/peers/{name}.py lacks {needed} (see bench/peers/__init__.py)")
    server = module.start(ctx)
    return System(
        module.NAME,
        server.url,
        server.pids,
        module.request,
        module.ids,
        dict(getattr(module, "EXTRA_READS", {})),
        server.stop,
    )


def fetch(system: System, request: Request) -> httpx.Response:
    return httpx.request(
        request.method,
        system.url + request.path,
        headers=dict(request.headers),
        content=request.body,
        timeout=60,
    )


def check_same_ids(systems: list[System], fx: Fixtures) -> None:
    """Every system answers every read with our ids, in our order (or the run stops)."""
    for read in READS:
        expected: list[object] | None = None
        for system in systems:
            response = fetch(system, system.request(read, fx))
            if response.status_code != 200:
                raise SystemExit(
                    f"{system.name} {read}: HTTP {response.status_code} {response.text[:300]}"
                )
            got = system.ids(read, response.content)
            if not got:
                raise SystemExit(f"{system.name} {read}: no rows; the comparison would be empty")
            if expected is None:
                expected = got
            elif got != expected:
                raise SystemExit(
                    f"{system.name} {read}: ids differ from {systems[0].name}'s\n"
                    f"  {systems[0].name}: {expected}\n  {system.name}: {got}"
                )
            print(f"  {read:<14} {system.name:<9} {len(got):>3} ids, same as ours", flush=True)
    for system in systems:  # the write lands for everybody before anybody is timed
        response = fetch(system, system.request(WRITE, fx))
        if response.status_code not in (200, 201):
            raise SystemExit(f"{system.name} {WRITE}: HTTP {response.status_code} {response.text}")
    print(f"  {WRITE:<14} every system: created", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median kept)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument(
        "--systems", default="ours," + ",".join(PEERS), help="comma-separated (ours first)"
    )
    parser.add_argument(
        "--reads", default=",".join((*READS, WRITE)), help="comma-separated reads to time"
    )
    parser.add_argument("--replace", action="store_true", help="seed the database again")
    parser.add_argument(
        "--no-extras",
        action="store_true",
        help="skip a peer's extra reads (DRF's ORM search: seconds per request at 1,000,000)",
    )
    args = parser.parse_args()
    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    if names[0] != "ours" or any(n not in ("ours", *PEERS) for n in names):
        raise SystemExit(f"--systems: 'ours' first, then any of {', '.join(PEERS)}")
    reads = [r.strip() for r in args.reads.split(",") if r.strip()]

    settings = Settings.from_env()
    if len(names) > 1:
        install_peers()
    url = with_database(settings.superuser_url, f"bench_peers_{args.articles}")
    prepare(settings, url, args.articles, args.seed, reuse=True, replace=args.replace)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum (analyze) publishing.comments")
        fx = fixtures.read(conn, args.seed)
    pgdata: Path | None = settings.pgdata_dir if settings.database_url is None else None
    started_at = time.time()

    systems: list[System] = []
    try:
        for name in names:
            ctx = Context(
                database_url=url,
                authenticator_url=database.authenticator_url(url, settings.secrets),
                jwt_secret=settings.secrets.jwt_secret_file.read_text().strip(),
                port=free_port(),
                log_dir=settings.log_dir,
            )
            print(f"starting {name} ...", flush=True)
            systems.append(start_ours(settings, ctx) if name == "ours" else start_peer(name, ctx))
        fx = fixtures.signed_in(fx, systems[0].url)
        print(
            f"article {fx.slug!r}; words {fx.common!r} (common), {fx.rare!r} (rare);"
            f" author {fx.author_email}",
            flush=True,
        )
        print("checking that every system returns the same rows ...", flush=True)
        check_same_ids(systems, fx)

        runs: dict[tuple[str, str], list[Run]] = {}
        for round_no in range(1, args.rounds + 1):
            fx = fixtures.signed_in(fx, systems[0].url)  # tokens outlive one round, not all
            order = systems[round_no - 1 :] + systems[: round_no - 1]
            pairs = [(read, s) for read in reads for s in order]
            pairs += [
                (extra, s)
                for s in order
                for extra, beside in s.extra_reads.items()
                if beside in reads and not args.no_extras
            ]
            for read, system in pairs:
                wait_idle(url, user=None)  # the peers log in as other roles
                run = timed(
                    system.url,
                    system.request(read, fx),
                    system.pids(),
                    pgdata,
                    duration_s=args.duration,
                    connections=args.connections,
                )
                runs.setdefault((read, system.name), []).append(run)
                print(
                    f"  round {round_no}/{args.rounds} {read:<18} {system.name:<9}"
                    f" {run.rps:8.0f} req/s  p99 {run.result.p99_ms:7.1f} ms"
                    f"  non-2xx {run.result.non_2xx}",
                    flush=True,
                )
    finally:
        for system in systems:
            system.stop()
        cleanup(url, fx, started_at)

    medians = {key: sorted(rs, key=lambda r: r.rps)[len(rs) // 2] for key, rs in runs.items()}
    extras = {
        e: b for s in systems for e, b in s.extra_reads.items() if b in reads and not args.no_extras
    }
    print()
    print(
        f"=== bench.peers: {args.articles:,} articles, {args.rounds} rounds of {args.duration} s,"
        f" {args.connections} connections, median round ==="
    )
    report(medians, [s.name for s in systems], [*reads, *extras], extras)


def cleanup(url: str, fx: Fixtures, since: float) -> None:
    """Delete the comments the write made, so that the next run reads the same rows."""
    with psycopg.connect(url, autocommit=True) as conn:
        row: Any = conn.execute(
            "delete from publishing.comments where author_id = %s"
            " and created_at >= to_timestamp(%s)",
            (fx.reader_id, since),
        )
        print(f"deleted the {row.rowcount:,} comments the write made", flush=True)
        conn.execute("vacuum (analyze) publishing.comments")


if __name__ == "__main__":
    main()
