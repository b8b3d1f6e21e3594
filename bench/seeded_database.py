"""A benchmark's seeded database: created, deployed and seeded once, then reused.

Seeding a million rows takes minutes, so a kept database (``--keep``) is reused when it
holds the size asked for (``--reuse``) and only dropped when asked (``--replace``).
bench.publishing (and the benches on its rows) and bench.journal share this flow; each
says how to count its rows and how to seed them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from core.settings import Settings
from ops import database, sqitch
from ops.backups import tools


@dataclass(frozen=True)
class Seeding:
    """What a benchmark seeds: ``noun`` ("articles"), the option that sets its size
    (``--articles``), the size, how many the database at a URL holds (None: not seeded)
    and the seed itself (it prints its progress and returns its summary's lines)."""

    noun: str
    option: str
    size: int
    held: Callable[[str], int | None]
    seed: Callable[[str], Iterable[str]]


def prepare(settings: Settings, url: str, seeding: Seeding, reuse: bool, replace: bool) -> None:
    """Deploy and seed the database of ``url``, or reuse it when it holds ``seeding.size``
    rows (deploying what the plan has gained since). A seeded database is dropped only
    with ``replace``."""
    dbname = tools.database_of(url)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,))
        held = seeding.held(url) if exists.fetchone() else None
        if reuse and held == seeding.size:
            print(f"reusing {dbname} ({held:,} {seeding.noun})", flush=True)
            sqitch.deploy(url, echo=False)
            database.configure(url, settings.secrets)
            return
        if held and not replace:
            raise SystemExit(
                f"error: {dbname} already holds {held:,} {seeding.noun} (kept by --keep)."
                f" Pass --reuse {seeding.option} {held} to use them, or --replace to drop them"
                f" and seed {seeding.size:,}."
            )
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    print(f"deploying the plan into {dbname} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    for line in seeding.seed(url):
        print("  " + line)
    print("vacuum analyze ...", flush=True)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum (analyze)")
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)


def drop(settings: Settings, url: str) -> None:
    """Drop the database of ``url`` (a benchmark run without ``--keep``)."""
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(tools.database_of(url))
            )
        )
