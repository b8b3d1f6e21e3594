"""bench.journal's database: deployed and seeded once through ``ops.seed_journal`` (the
generator of ``inv db.seed``), or reused; and the two writers the benchmark reads as."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from bench import seeded_database
from bench.journal_queries import User, user
from bench.seeded_database import Seeding
from core.settings import Settings
from ops.seed import SeedOptions
from ops.seed_journal import HEAVY, seed_journal, summary


def prepare(
    settings: Settings, url: str, options: SeedOptions, reuse: bool, replace: bool = False
) -> None:
    """Deploy and seed the database of ``url`` as ``options`` say, or reuse it
    (`bench.seeded_database`)."""

    def seed_entries(into: str) -> Iterable[str]:
        print(
            f"seeding {options.entries:,} entries across {options.journal_user_count:,} users ...",
            flush=True,
        )
        return summary(seed_journal(into, options, lambda m: print(f"• {m}")))

    seeding = Seeding("journal entries", "--entries", options.entries, seeded_entries, seed_entries)
    seeded_database.prepare(settings, url, seeding, reuse, replace)


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
