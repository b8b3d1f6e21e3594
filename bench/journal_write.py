"""bench.journal's write: creating one entry as a user, with everything the journal does
on it, against a bare insert of the same row.

Three inserts of the same typical entry (the seeded entry of median word count), each
run rolled back (nothing accumulates: the daily limit never trips, tables stay the same
size), the three interleaved run by run, each on its own connection:

* ``entry``: as the user (``authenticated`` + claims, as PostgREST): row-level security,
  the guard (validation, derived text, search vector), the daily limit, audit, event;
* ``derive only``: the superuser into a copy of ``journal.entries`` (same columns,
  constraints and indexes) with the guard trigger alone;
* ``bare``: the superuser into a copy without any trigger, the derived columns given.
"""

from __future__ import annotations

import json
import time
from typing import Any

import psycopg

from bench.journal_queries import User
from bench.timing import Latency

BARE = "public.bench_journal_bare"
DERIVE = "public.bench_journal_derive"
DERIVED = ("plain_text", "word_count", "reading_minutes", "search", "sealed")
MODES = ("entry", "derive only", "bare")


def _tables(conn: psycopg.Connection[Any]) -> None:
    for table in (BARE, DERIVE):
        conn.execute(f"drop table if exists {table}")
        conn.execute(f"create table {table} (like journal.entries including all)")
    conn.execute(
        f"create trigger entries_guard before insert on {DERIVE}"
        " for each row execute function journal_private.guard_entry()"
    )


def typical_row(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """The live, unsealed entry of median word count, with its derived columns."""
    row = conn.execute(
        f"""select title, content::text, {", ".join(DERIVED)} from journal.entries
             where not sealed and deleted_at is null
             order by abs(word_count - (select percentile_disc(0.5) within group
                                         (order by word_count) from journal.entries)), id
             limit 1"""
    ).fetchone()
    assert row is not None, "no entry to copy"
    return dict(zip(("title", "content", *DERIVED), row, strict=True))


def write_latencies(url: str, writer: User, count: int) -> tuple[dict[str, Latency], int]:
    """p50/p95/p99 of each insert, and the row's word count."""
    with psycopg.connect(url, autocommit=True) as conn:
        _tables(conn)
        row = typical_row(conn)
    values = {**row, "day": writer.range[1], "uid": writer.id}
    statements = {
        "entry": "insert into journal.entries (title, entry_date, content)"
        " values (%(title)s, %(day)s, %(content)s::jsonb)",
        "derive only": f"insert into {DERIVE} (owner_id, title, entry_date, content)"
        " values (%(uid)s, %(title)s, %(day)s, %(content)s::jsonb)",
        "bare": f"insert into {BARE} (owner_id, title, entry_date, content, {', '.join(DERIVED)})"
        " values (%(uid)s, %(title)s, %(day)s, %(content)s::jsonb, %(plain_text)s,"
        " %(word_count)s, %(reading_minutes)s, %(search)s::tsvector, %(sealed)s)",
    }
    claims = json.dumps({"role": "authenticated", "sub": writer.id, "privileges": ["reader"]})
    conns = {mode: psycopg.connect(url) for mode in MODES}
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    try:
        for i in range(-5, count):
            k = i % len(MODES)
            for mode in (*MODES[k:], *MODES[:k]):
                conn = conns[mode]
                with conn.transaction(force_rollback=True):
                    if mode == "entry":
                        conn.execute(
                            "select set_config('request.jwt.claims', %s, true),"
                            " set_config('role', 'authenticated', true)",
                            (claims,),
                        )
                    started = time.perf_counter()
                    conn.execute(statements[mode], values)
                    elapsed = (time.perf_counter() - started) * 1000
                if i >= 0:
                    timings[mode].append(elapsed)
    finally:
        for conn in conns.values():
            conn.close()
        with psycopg.connect(url, autocommit=True) as conn:
            for table in (BARE, DERIVE):
                conn.execute(f"drop table if exists {table}")
    return {mode: Latency(tuple(v)) for mode, v in timings.items()}, int(row["word_count"])
