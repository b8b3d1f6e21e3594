"""Benchmark: the journal at scale, row-level security on versus bypassed.

    .venv/bin/python -m bench.journal --entries 1000000 --users 10000 --keep   # then --reuse
    .venv/bin/python -m bench.journal --quick      # 20,000 entries, 200 users: a smoke run

Needs the embedded cluster of `make up` (or DATABASE_URL). It creates the database
``bench_journal`` (``bench_journal_quick`` with ``--quick``), deploys the plan, seeds it
with `ops.seed_journal` (the generator of ``inv db.seed``), runs VACUUM ANALYZE, then
picks the heaviest writer (a heavy user: 5,000+ live entries at full size) and the median
one (typical), and measures, per writer, p50/p95/p99 over ``--samples`` runs of the SQL
behind each read, as the writer (role ``authenticated`` and JWT claims set exactly as
PostgREST sets them) and as the superuser, who bypasses row-level security, with the same
claims; the statements name the owner explicitly, so both read the same rows
(`bench.journal_queries`); runs interleave the two, turning the order each run
(`bench.timing.sample`). Reads: own list page 1, a deep keyset page (``--page``), tag
filter (any of two tags), a year's date range, the calendar of a month, search for the
seed's common word (in ~40 % of the entries) and its rare word (`ops.seed_journal_rows`)
through ``journal.search_entries`` when deployed, else the plain ``@@`` query. Then the
write (`bench.journal_write`).

Targets (issue #22): every read >= 0.9x the bypassing role; search p95 <= 20 ms for the
heavy user; list p95 <= 5 ms; the deep page within 1.5x of page 1; creating an entry
with its audit and event >= 0.6x a bare insert of the same row.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import psycopg

from bench.auth import with_database
from bench.journal_data import prepare, writers
from bench.journal_queries import (
    CALENDAR,
    DATE_RANGE,
    LIST_KEYSET,
    LIST_PAGE1,
    RPC_COUNT,
    RPC_KEYSET,
    RPC_OPEN_TASKS,
    RPC_PAGE1,
    RPC_TAGS_ALL,
    RPC_TAGS_ANY,
    TAG_ANY,
    User,
    search_statement,
)
from bench.journal_write import write_latencies
from bench.seeded_database import drop
from bench.timing import Latency, Mode, sample
from core.settings import Settings
from ops.seed import SeedOptions
from ops.seed_journal_rows import COMMON_WORD, RARE_WORD

RLS: Mode = "reader"
BYPASS: Mode = "owner_reader"


def reads(conn: psycopg.Connection[Any], u: User) -> dict[str, tuple[str, str]]:
    """Read name -> (statement, search words) for writer ``u``."""
    search, _ = search_statement(conn)
    return {
        "list, page 1": (LIST_PAGE1, ""),
        f"list, page {u.deep_page} (keyset)": (LIST_KEYSET, ""),
        "tag filter (any of 2)": (TAG_ANY, ""),
        "date range (a year)": (DATE_RANGE, ""),
        f"calendar {u.month}": (CALENDAR, ""),
        "list_entries, page 1": (RPC_PAGE1, ""),
        f"list_entries, page {u.deep_page}": (RPC_KEYSET, ""),
        "list_entries, any of 2 tags": (RPC_TAGS_ANY, ""),
        "list_entries, all of 2 tags": (RPC_TAGS_ALL, ""),
        "list_entries, open tasks": (RPC_OPEN_TASKS, ""),
        "count_entries": (RPC_COUNT, ""),
        f"search common ({COMMON_WORD})": (search, COMMON_WORD),
        f"search rare ({RARE_WORD})": (search, RARE_WORD),
    }


def with_plan_cache_mode(url: str, mode: str) -> str:
    """``url`` whose sessions start with ``plan_cache_mode = mode``."""
    if mode == "auto":
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-c plan_cache_mode={mode}')}"


def params_of(u: User, q: str) -> Callable[[int], dict[str, Any]]:
    """Every run of a read has the same parameters (the writer's fixtures)."""
    params = u.params(q)
    return lambda _run: params


def same_rows(url: str, statement: str, u: User, q: str) -> bool:
    """Whether the writer and the bypassing role get the same rows (a fair comparison)."""
    results = []
    with psycopg.connect(url) as conn:
        for role in ("authenticated", None):
            with conn.transaction(force_rollback=True):
                conn.execute(
                    "select set_config('request.jwt.claims', %s, true),"
                    " set_config('role', coalesce(%s, current_user), true)",
                    (f'{{"role": "authenticated", "sub": "{u.id}"}}', role),
                )
                results.append(conn.execute(statement, u.params(q)).fetchall())
    return results[0] == results[1]


def line(name: str, rls: Latency, bypass: Latency, note: str = "") -> str:
    ratio = bypass.p50 / rls.p50
    verdict = "OK" if ratio >= 0.9 else "BELOW TARGET"
    return (
        f"  {name:<32}{rls.p50:8.2f}{rls.p95:8.2f}{rls.p99:8.2f}   "
        f"{bypass.p50:8.2f}{bypass.p95:8.2f}{bypass.p99:8.2f}{ratio:8.2f}  {verdict}{note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to seed")
    parser.add_argument("--users", type=int, default=10_000, help="writers to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--samples", type=int, default=300, help="runs per read and role")
    parser.add_argument("--page", type=int, default=200, help="the deep keyset page")
    parser.add_argument(
        "--quick", action="store_true", help="20,000 entries, 200 users, 100 samples"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database if it holds --entries entries"
    )
    parser.add_argument("--replace", action="store_true", help="drop a seeded database")
    parser.add_argument(
        "--plan-cache-mode",
        choices=("auto", "force_custom_plan", "force_generic_plan"),
        default="auto",
        help="plan_cache_mode of the measuring sessions (auto: as PostgREST's prepared"
        " statements get it, a generic plan after five runs when it looks no worse)",
    )
    args = parser.parse_args()
    if args.quick:
        args.entries, args.users, args.samples = 20_000, 200, min(args.samples, 100)

    settings = Settings.from_env()
    url = with_database(
        settings.superuser_url, "bench_journal_quick" if args.quick else "bench_journal"
    )
    options = SeedOptions(articles=0, users=args.users, entries=args.entries, seed=args.seed)
    prepare(settings, url, options, args.reuse, args.replace)
    url_seeded, url = url, with_plan_cache_mode(url, args.plan_cache_mode)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            users = writers(conn, args.page)
            _, search_label = search_statement(conn)
        results: dict[str, dict[str, tuple[Latency, Latency, bool]]] = {}
        for u in users:
            print(f"measuring as the {u.label} writer ({u.entries:,} live entries) ...", flush=True)
            with psycopg.connect(url) as conn:
                named = reads(conn, u)
            results[u.label] = {}
            for name, (statement, q) in named.items():
                got = sample(
                    url,
                    {RLS: statement, BYPASS: statement},
                    params_of(u, q),
                    count=args.samples,
                    reader_id=u.id,
                )
                results[u.label][name] = (got[RLS], got[BYPASS], same_rows(url, statement, u, q))
        print("measuring the write ...", flush=True)
        writes, words = write_latencies(url, users[-1], args.samples)
    finally:
        if not (args.keep or args.reuse):
            drop(settings, url_seeded)

    print()
    print(f"=== journal benchmark: {args.entries:,} entries, {args.users:,} users ===")
    print(f"search: {search_label}; plan_cache_mode {args.plan_cache_mode}")
    print(
        "SQL latency, ms; ratio = bypass p50 / RLS p50 (target >= 0.90); RLS: the writer"
        " (authenticated + claims), bypass: the superuser, same SQL and claims"
    )
    print(
        f"  {'read':<32}{'RLS p50':>8}{'p95':>8}{'p99':>8}   {'bypass':>8}{'p95':>8}{'p99':>8}"
        f"{'ratio':>8}"
    )
    for u in users:
        print(f" {u.label} writer, {u.entries:,} live entries")
        for name, (rls, bypass, same) in results[u.label].items():
            print(line(name, rls, bypass, "" if same else "  (ROWS DIFFER: not comparable)"))
    print(f" write: one entry of {words} words, rolled back; ms p50 / p95 / p99")
    for mode, latency in writes.items():
        print(f"  {mode:<32}{latency.p50:8.2f}{latency.p95:8.2f}{latency.p99:8.2f}")
    report_targets(users, results, writes)


def report_targets(
    users: list[User],
    results: dict[str, dict[str, tuple[Latency, Latency, bool]]],
    writes: dict[str, Latency],
) -> None:
    checks: list[tuple[str, bool]] = []
    checks.append(
        (
            "every read >= 0.9x the bypassing role",
            all(b.p50 / r.p50 >= 0.9 for by in results.values() for r, b, _ in by.values()),
        )
    )
    heavy = users[0]
    for name, (rls, _, _) in results[heavy.label].items():
        if name.startswith("search"):
            checks.append((f"{heavy.label}: {name} p95 {rls.p95:.1f} ms <= 20", rls.p95 <= 20))
    for u in users:
        by = results[u.label]
        for first, prefix in (
            ("list, page 1", "list, page"),
            ("list_entries, page 1", "list_entries, page"),
        ):
            page1 = by[first][0]
            deep_name = next(n for n in by if n.startswith(prefix) and n != first)
            deep = by[deep_name][0]
            checks.append((f"{u.label}: {first} p95 {page1.p95:.2f} ms <= 5", page1.p95 <= 5))
            checks.append(
                (
                    f"{u.label}: {deep_name} p50 {deep.p50 / page1.p50:.2f}x page 1 <= 1.5",
                    deep.p50 <= 1.5 * page1.p50,
                )
            )
    create = writes["bare"].p50 / writes["entry"].p50
    checks.append((f"create {create:.2f}x a bare insert >= 0.6", create >= 0.6))
    derive = writes["derive only"].p50 / writes["entry"].p50
    print(f" (audit, event, limit and RLS alone: entry at {derive:.2f}x the guard-only insert)")
    print()
    print("targets (issue #22):")
    for what, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {what}")


if __name__ == "__main__":
    main()
