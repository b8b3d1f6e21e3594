"""Import the legacy Django blog at full size, against a bare COPY of the same rows.

    .venv/bin/python -m bench.import_blog [--articles 100000 --comments 400000 --users 10000]
        [--rounds 3] [--keep]

The legacy file is generated once (tests.legacy_blog.fill_large, Django's table layout)
under var/bench/ and reused. Each round, interleaved:

* **bare COPY**: the legacy rows read from the same file with ``sqlite3`` and COPYed, as
  they are, into tables without index, constraint or trigger, in one transaction (then
  dropped): the floor any import pays to read and write the rows;
* **import**: ``ops.legacy_blog.import_blog`` (checks and plan, every COPY, id map, the
  verification of every row, the commit), then ``import.rollback`` (timed too) so the
  next round starts from the same database.

Prints seconds per round, the medians, rows/s, and the import's time as a multiple of
the bare COPY's; the target is import and verification within 120 s.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench.auth import with_database
from core.paths import PROJECT_ROOT
from core.settings import Settings
from ops import database, sqitch
from ops.legacy_blog import import_blog, rollback_import, rules
from ops.legacy_blog.source import TABLES, Source
from ops.seed import copy_text

DB = "bench_import"
TARGET_SECONDS = 120.0


def legacy_file(users: int, articles: int, comments: int) -> Path:
    """The generated legacy database for these sizes (made once, then reused)."""
    from tests.legacy_blog import fill_large, table_counts

    path = PROJECT_ROOT / "var" / "bench" / f"legacy_blog_{users}_{articles}_{comments}.sqlite3"
    if path.exists():
        counts = table_counts(path)
        if counts.get("blog_article") == articles and counts.get("blog_comment") == comments:
            print(f"reusing {path.name}", flush=True)
            return path
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {path.name} ...", flush=True)
    started = time.perf_counter()
    fill_large(path, users=users, articles=articles, comments=comments)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return path


def prepare(settings: Settings) -> str:
    url = with_database(settings.superuser_url, DB)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DB)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DB)))
    print(f"deploying the plan into {DB} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    return url


def bare_copy(url: str, path: Path) -> float:
    """Seconds to read every legacy row and COPY it into bare tables (one transaction)."""
    started = time.perf_counter()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for table, columns in TABLES.items():
            bare = sql.Identifier(f"bare_{table}")
            cur.execute(
                sql.SQL("create temporary table {} ({}) on commit drop").format(
                    bare,
                    sql.SQL(", ").join(
                        sql.SQL("{} text").format(sql.Identifier(c)) for c in columns
                    ),
                )
            )
            rows = source.execute(f"select {', '.join(columns)} from {table}")
            statement = sql.SQL("copy {} from stdin").format(bare)
            with cur.copy(statement) as copy:
                while batch := rows.fetchmany(5_000):
                    copy.write(copy_text(batch))
        conn.commit()
    source.close()
    return time.perf_counter() - started


class Clock:
    """A ``say`` that prints each step with the seconds since the round began."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"  {time.perf_counter() - self.started:6.1f} s  {message[:110]}", flush=True)


def policies_for(url: str, path: Path) -> dict[str, str]:
    """The first policy that is not ``refuse`` for every kind the file holds (dry run)."""
    report = import_blog(
        url, path, policies={}, media_url="https://legacy.example.org/media", dry_run=True,
        say=lambda _: None,
    )  # fmt: skip
    chosen = {kind: next(iter(rules.BY_NAME[kind].policies)) for kind in report.unresolved}
    print("policies: " + (", ".join(f"{k}={v}" for k, v in chosen.items()) or "none needed"))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=400_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (no rollback at the end)"
    )
    args = parser.parse_args()
    settings = Settings.from_env()
    path = legacy_file(args.users, args.articles, args.comments)
    with Source.open(path) as source:
        counts = source.counts()
    total = sum(counts.values())
    url = prepare(settings)
    policies = policies_for(url, path)
    bare: list[float] = []
    ours: list[float] = []
    undo: list[float] = []
    for r in range(args.rounds):
        bare.append(bare_copy(url, path))
        started = time.perf_counter()
        report = import_blog(
            url, path, policies=policies, media_url="https://legacy.example.org/media",
            dry_run=False, say=Clock(),
        )  # fmt: skip
        ours.append(time.perf_counter() - started)
        if report.verification is None or not report.verification.ok:
            raise SystemExit("error: the verification failed: the benchmark measures nothing")
        last = r == args.rounds - 1
        if not (last and args.keep):
            assert report.import_id is not None
            started = time.perf_counter()
            rollback_import(url, report.import_id, None, lambda _: None)
            undo.append(time.perf_counter() - started)
        print(
            f"round {r + 1}: bare COPY {bare[-1]:.1f} s, import and verify {ours[-1]:.1f} s"
            + (f", rollback {undo[-1]:.1f} s" if len(undo) == r + 1 else ""),
            flush=True,
        )
    b, o = statistics.median(bare), statistics.median(ours)
    print()
    print(f"legacy rows: {total:,} ({', '.join(f'{t} {n:,}' for t, n in counts.items())})")
    print(f"bare COPY           median {b:6.1f} s  {total / b:>10,.0f} rows/s")
    print(
        f"import and verify   median {o:6.1f} s  {total / o:>10,.0f} rows/s"
        f"  ({o / b:.1f}x the bare COPY's time)"
    )
    if undo:
        print(f"rollback            median {statistics.median(undo):6.1f} s")
    verdict = "met" if o <= TARGET_SECONDS else "NOT met"
    print(f"target: import and verify in <= {TARGET_SECONDS:.0f} s: {verdict}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (importer and bench): {peak:,.0f} MB")
    if not args.keep:
        with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DB))
            )


if __name__ == "__main__":
    main()
