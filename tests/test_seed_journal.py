"""`inv db.seed` fills the journal: deterministic diaries that keep every rule of the schema."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from ops.seed_journal_rows import COMMON_WORD, RARE_WORD, JournalRows, entry_counts
from tests.test_ops_tasks import inv

Conn = psycopg.Connection[tuple[object, ...]]
ENTRIES, USERS, SEED = 1_500, 30, 7


def scalar(conn: Conn, query: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def seeded(platform_db: Conn) -> tuple[Conn, str]:
    """No articles, 30 accounts (made by the publishing seed), 1,500 entries, seed 7."""
    platform_db.autocommit = True
    before = {
        table: scalar(platform_db, f"select count(*) from {table}")
        for table in ("audit.log", "events.captured", "events.outbox")
    }
    done = inv(
        "db.seed",
        *("--articles", "0", "--users", str(USERS), "--entries", str(ENTRIES)),
        *("--seed", str(SEED)),
        db_name=platform_db.info.dbname,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for table, count in before.items():
        assert scalar(platform_db, f"select count(*) from {table}") == count, (
            f"the demo diaries write nothing to {table}"
        )
    return platform_db, done.stdout


def test_the_journal_is_seeded_with_a_long_tail_across_the_accounts(
    seeded: tuple[Conn, str],
) -> None:
    conn, output = seeded
    assert scalar(conn, "select count(*) from journal.entries") == ENTRIES
    assert scalar(conn, "select count(*) from auth.users") == USERS, "the accounts are reused"
    per_user = [
        int(r[0])  # type: ignore[call-overload]
        for r in conn.execute(
            "select count(*) from journal.entries group by owner_id order by 1 desc"
        ).fetchall()
    ]
    assert len(per_user) == USERS
    assert per_user[-1] >= 1, "every writer has an entry"
    assert per_user[0] >= 5 * per_user[len(per_user) // 2], f"a long tail: {per_user}"
    assert f"entries        {ENTRIES:>10,}" in output
    assert "audit and event triggers disabled during the load on journal.entries" in output
    enabled = scalar(
        conn,
        """select count(*) from pg_trigger
            where tgrelid = any ('{journal.entries,journal.tags,journal.entry_tags}'::regclass[])
              and not tgisinternal and tgenabled = 'D'""",
    )
    assert enabled == 0, "every paused trigger is enabled again"
    # Entry dates over years, streaks of consecutive days, none ahead of today.
    assert scalar(conn, "select max(entry_date) - min(entry_date) from journal.entries") > 365
    assert scalar(conn, "select count(*) from journal.entries where entry_date > now()") == 0
    assert scalar(conn, "select count(*) from journal.entries where created_at > now()") == 0
    streaky = scalar(
        conn,
        """select count(*) from (select distinct owner_id, entry_date from journal.entries) d
            where exists (select from journal.entries e where e.owner_id = d.owner_id
                             and e.entry_date = d.entry_date - 1)""",
    )
    assert streaky > ENTRIES / 10, "days follow days: writing streaks"


def test_derived_columns_are_the_triggers_own(seeded: tuple[Conn, str]) -> None:
    conn, _ = seeded
    wrong = scalar(
        conn,
        """select count(*) from journal.entries e
            where e.plain_text <> coalesce(journal_private.content_text(e.content), '')
               or e.sealed <> (e.content ? 'sealed') or e.search is null
               or (e.word_count = 0) <> (e.plain_text = '')""",
    )
    assert wrong == 0
    blocks = {
        str(r[0])
        for r in conn.execute(
            "select distinct b ->> 'type' from journal.entries,"
            " jsonb_array_elements(content -> 'blocks') b"
        ).fetchall()
    }
    assert {"paragraph", "header", "list", "checklist", "quote", "code", "table"} <= blocks
    unchecked = scalar(
        conn,
        """select count(*) from journal.entries where content @?
             '$.blocks[*] ? (@.type == "checklist").data.items[*] ? (@.checked == false)'""",
    )
    assert unchecked > 0, "some checklists have unchecked items"
    unsealed = scalar(conn, "select count(*) from journal.entries where not sealed")
    common = scalar(
        conn, "select count(*) from journal.entries where search @@ to_tsquery('simple', %s)",
        (COMMON_WORD,),
    )  # fmt: skip
    assert 0.34 < common / unsealed < 0.46, common
    rare = scalar(
        conn, "select count(*) from journal.entries where search @@ to_tsquery('simple', %s)",
        (RARE_WORD,),
    )  # fmt: skip
    assert rare < unsealed / 100


def test_public_trash_sealed_tags_and_limits(seeded: tuple[Conn, str]) -> None:
    conn, _ = seeded
    assert scalar(conn, "select count(*) from journal.entries where is_public") > 0
    sealed = scalar(conn, "select count(*) from journal.entries where sealed")
    assert sealed > 0
    assert (
        scalar(
            conn,
            "select count(*) from journal.entries where sealed and (is_public or word_count > 0)",
        )
        == 0
    )
    # The trash: deleted in the last 30 days (the retention), after the entry was written.
    assert scalar(conn, "select count(*) from journal.entries where deleted_at is not null") > 0
    misdated = scalar(
        conn,
        """select count(*) from journal.entries
            where deleted_at is not null and (deleted_at < created_at
                  or deleted_at < now() - interval '30 days' or version <> 2)""",
    )
    assert misdated == 0, "deleted in the retention period, after writing, one version up"
    # Tags: a few to dozens per writer, 0-5 on an entry, the owner's own.
    assert scalar(conn, "select count(distinct owner_id) from journal.tags") == USERS
    assert scalar(conn, "select max(n) from (select count(*) n from journal.entry_tags"
                        " group by entry_id) x") <= 5  # fmt: skip
    assert (
        scalar(
            conn,
            """select count(*) from journal.entry_tags et
                 join journal.tags t on t.id = et.tag_id
                 join journal.entries e on e.id = et.entry_id
                where t.owner_id <> e.owner_id""",
        )
        == 0
    )
    # The daily limit holds on every day, not only today.
    busiest = scalar(
        conn,
        """select max(n) from (select count(*) n from journal.entries
                                group by owner_id, (created_at at time zone 'UTC')::date) x""",
    )
    assert busiest <= scalar(conn, "select daily_entry_limit from journal_private.settings")


def test_a_seed_reproduces_the_same_diaries(seeded: tuple[Conn, str]) -> None:
    """The database holds exactly what the generator makes of the seed and the accounts."""
    conn, _ = seeded
    writers = [
        uuid.UUID(str(r[0]))
        for r in conn.execute("select id from auth.users order by id limit %s", (USERS,))
    ]
    rows = JournalRows(SEED, datetime.now(UTC))
    generated = {
        (str(e[0]), str(e[1]), str(e[2]))
        for batch in rows.batches(rows.plan(writers, ENTRIES), 500)
        for e in batch.entries
    }
    stored = {
        (str(r[0]), str(r[1]), str(r[2]))
        for r in conn.execute("select id, owner_id, title from journal.entries").fetchall()
    }
    assert stored == generated
    other = JournalRows(SEED + 1, datetime.now(UTC))
    assert {
        str(e[0])
        for batch in other.batches(other.plan(writers, ENTRIES), 500)
        for e in batch.entries
    }.isdisjoint(e[0] for e in stored), "another seed, other diaries"


def test_entry_counts_reach_the_benchmarks_long_tail() -> None:
    """1,000,000 entries over 10,000 users: some with 10,000+, most with a handful."""
    counts = entry_counts(random.Random(42), 10_000, 1_000_000)  # noqa: S311
    assert sum(counts) == 1_000_000
    assert min(counts) >= 1
    assert sum(1 for c in counts if c >= 10_000) >= 10
    assert sum(1 for c in counts if c >= 5_000) >= 20
    assert sorted(counts)[5_000] <= 30, "the median writer has a handful"


def test_a_second_seed_writes_new_diaries_for_other_accounts(seeded: tuple[Conn, str]) -> None:
    conn, _ = seeded
    done = inv(
        "db.seed",
        *("--articles", "0", "--users", "5", "--entries", "100", "--seed", str(SEED + 1)),
        db_name=conn.info.dbname,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert scalar(conn, "select count(*) from journal.entries") == ENTRIES + 100
    assert scalar(conn, "select count(distinct owner_id) from journal.entries") == USERS + 5
