"""bench.journal's database: deployed and seeded once through ``ops.seed_journal`` (the
generator of ``inv db.seed``), or reused; and the two writers the benchmark reads as."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg import sql

from bench.journal_queries import User, user
from core.settings import Settings
from ops import database, sqitch
from ops.backups import tools
from ops.seed import SeedOptions
from ops.seed_journal import HEAVY, seed_journal, summary


def prepare(
    settings: Settings,
    url: str,
    options: SeedOptions,
    reuse: bool,
    replace: bool = False,
) -> None:
    """Deploy and seed the database of ``url``, or reuse it when it holds as many entries.
    A seeded database is only dropped with ``replace`` (a million entries take minutes)."""
    dbname = tools.database_of(url)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,))
        held = seeded_entries(url) if exists.fetchone() else None
        if reuse and held == options.entries:
            print(f"reusing {dbname} ({held:,} entries)", flush=True)
            sqitch.deploy(url, echo=False)
            database.configure(url, settings.secrets)
            return
        if held and not replace:
            raise SystemExit(
                f"error: {dbname} already holds {held:,} journal entries (kept by --keep)."
                f" Pass --reuse --entries {held} to use them, or --replace to drop them and"
                f" seed {options.entries:,}."
            )
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    print(f"deploying the plan into {dbname} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    print(
        f"seeding {options.entries:,} entries across {options.journal_user_count:,} users ...",
        flush=True,
    )
    report = seed_journal(url, options, lambda m: print(f"• {m}"))
    for line in summary(report):
        print("  " + line)
    print("vacuum analyze ...", flush=True)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum (analyze)")
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)


def drop(settings: Settings, url: str) -> None:
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(tools.database_of(url))
            )
        )


def seeded_entries(url: str) -> int | None:
    """How many entries the database at ``url`` holds (None: the journal is not there)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select case when to_regclass('journal.entries') is not null"
            " then (select count(*) from journal.entries) end"
        ).fetchone()
    return None if row is None or row[0] is None or row[0] == 0 else int(row[0])


def writers(conn: psycopg.Connection[Any], page: int) -> list[User]:
    """The heaviest writer (a heavy user when they have 5,000+ live entries) and the
    median one (a typical user)."""
    rows = conn.execute(
        """select owner_id::text, count(*) from journal.entries where deleted_at is null
            group by owner_id order by count(*) desc, owner_id"""
    ).fetchall()
    heaviest, heavy_count = rows[0]
    typical, _ = rows[len(rows) // 2]
    heavy_label = "heavy" if int(heavy_count) >= HEAVY else f"heaviest (< {HEAVY:,})"
    return [
        user(conn, heavy_label, str(heaviest), page),
        user(conn, "typical", str(typical), page),
    ]
