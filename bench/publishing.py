"""Benchmark: the publishing module at scale, row-level security on versus bypassed.

    .venv/bin/python -m bench.publishing --articles 100000
    .venv/bin/python -m bench.publishing --articles 1000000 --keep   # then --reuse

Needs the embedded cluster of `make up` (or DATABASE_URL). It creates the database
``bench_publishing``, deploys the plan, seeds it with `ops.seed` (same generator as
``inv db.seed``), runs VACUUM ANALYZE, starts a private PostgREST on free ports, then:

1. SQL latency, p50/p95 over ``--samples`` runs, of the statements behind each endpoint,
   run as ``anon``, as a signed-in reader (role and JWT claims set exactly as PostgREST
   sets them) and as the owner, who bypasses row-level security. The statements ask for
   visible articles explicitly, so the owner reads the same rows:
   the list (page 1, and page 5,000 by keyset on published_at, id), an article with its
   author, category, tags and approved comments, search for common and for rare words.
2. HTTP throughput with wrk (``--connections``, ``--duration``) through PostgREST, as
   anonymous and as a reader with a JWT, against the plain top-20 GET of the same
   table (no embeds) and a small table's top 20 (tags): ``--rounds`` rounds over every
   path in turn, the median round kept.
3. Search latency through PostgREST, one client, p50/p95.
4. Relevance: the bounded search ranking against ranking every match (`bench.relevance`).

Targets (issue #3): every endpoint with RLS >= 0.9x the bypassing owner; the article list
>= 0.7x the plain GET's requests/s; page 5,000 within 1.5x of page 1; search top-20 p95
<= 50 ms at 1,000,000 articles, for rare words and for words in 10-40 % of the articles.
"""

from __future__ import annotations

import argparse

import psycopg
from psycopg import sql

from bench import private_postgrest, wrk
from bench.auth import with_database
from bench.publishing_data import BENCH_DB, fixtures, prepare
from bench.publishing_measure import http_search_latency, sql_latencies, throughput
from bench.publishing_report import report_relevance, report_sql, report_targets
from bench.relevance import Relevance, measure
from bench.timing import Latency, Mode
from core.settings import Settings

PARTS = ("sql", "search", "http", "relevance")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--samples", type=int, default=100, help="SQL runs per statement and role")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds (median kept)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep {BENCH_DB} afterwards (always with --reuse)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"reuse {BENCH_DB} if it holds --articles articles"
    )
    parser.add_argument(
        "--replace", action="store_true", help=f"drop a seeded {BENCH_DB} that is not reused"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="measure only this part (repeatable; default all); targets need sql, search and http",
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    url = with_database(settings.superuser_url, BENCH_DB)
    prepare(settings, url, args.articles, args.seed, args.reuse, args.replace)
    with psycopg.connect(url, autocommit=True) as conn:
        f = fixtures(conn, args.seed)
    print(
        f"visible articles {f.visible:,}; deep page {f.deep_page:,};"
        f" common words {f.common}; rare words {f.rare}",
        flush=True,
    )

    parts = set(args.only or PARTS)
    server = private_postgrest.start(settings, url, "bench-publishing")
    sqls: dict[str, dict[Mode, Latency]] = {}
    search_http: dict[str, Latency] = {}
    http: dict[str, dict[str, wrk.WrkResult]] = {}
    relevance: list[Relevance] = []
    try:
        if "sql" in parts:
            print("measuring SQL latencies ...", flush=True)
            sqls = sql_latencies(url, f, args.samples)
        if "search" in parts:
            print("measuring search through PostgREST ...", flush=True)
            search_http = {
                "common words": http_search_latency(server, [w for w, _ in f.common], args.samples),
                "rare words": http_search_latency(server, f.rare, args.samples),
            }
        if "http" in parts:
            print("measuring throughput with wrk ...", flush=True)
            http = throughput(server, url, f, args.duration, args.connections, args.rounds)
        if "relevance" in parts:
            print("measuring relevance ...", flush=True)
            common = [w for w, _ in f.common]
            queries = [
                *common, *f.rare[:2], f"{common[0]} {common[-1]}", f"{common[1]} or {f.rare[0]}"
            ]  # fmt: skip
            with psycopg.connect(url, autocommit=True) as conn:
                relevance = [measure(conn, q, f.visible) for q in queries]
    finally:
        server.stop()
        if not (args.keep or args.reuse):  # a reused database took its seeding to make
            with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(BENCH_DB)
                    )
                )

    print()
    print(f"=== publishing benchmark: {args.articles:,} articles, {f.visible:,} visible ===")
    if sqls:
        report_sql(sqls)
    if sqls and http and search_http:
        report_targets(sqls, http, search_http, f, args.articles)
    if relevance:
        report_relevance(relevance)


if __name__ == "__main__":
    main()
