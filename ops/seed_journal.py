"""Demo diaries for the journal module: its seed entry point for ``inv db.seed``.

    inv db.seed                                   # + 5,000 entries (seconds)
    inv db.seed --entries 1000000 --users 10000   # the benchmark's size (minutes)

One transaction (a failure leaves nothing behind). The writers are the existing accounts
without a diary (the publishing seed's demo accounts, by id), topped up with new demo
accounts made the publishing seed's way (one bcrypt hash, same password). Their diaries
(`ops.seed_journal_rows`) are generated in a background thread and loaded with COPY,
batch after batch.

The entries' BEFORE trigger (``journal_private.guard_entry``) runs on every row: it
validates the Editor.js content and derives ``plain_text``, ``word_count``,
``reading_minutes``, ``sealed`` and ``search`` exactly as for a client's entry; it is
the load's main cost. Bulk-load shortcuts, each printed when taken:

* the audit and event triggers of the journal's tables are disabled during the load (one
  audit row and one outbox event per demo row is not demo data), as in the publishing seed;
* the daily-limit and tag-limit statement triggers are disabled (they take an advisory
  lock per owner and per entry: a million locks in one transaction); the generator writes
  at most `MAX_PER_DAY` entries a day and 5 tags an entry, and both limits are checked
  set-based after the load (the load fails if one is broken);
* the trash: the guard stamps ``deleted_at`` with the time of the statement and refuses
  it on insert, so the deleted entries are loaded live and then moved to the trash in one
  UPDATE with the guard disabled (``deleted_at`` in the last 29 days, ``version`` bumped as
  a delete does);
* for a large load into a nearly empty table, the secondary indexes of ``journal.entries``
  (the GIN on ``search`` above all) are dropped and rebuilt after the load.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from core.errors import OpsError
from ops.database import connect, translate_errors
from ops.progress import Progress
from ops.seed import (
    DEMO_PASSWORD,
    Say,
    Seeder,
    SeedOptions,
    alter_triggers,
    copy_into,
    copy_text,
    drop_indexes_for_load,
    pause_triggers,
    prefetch,
    rebuild_indexes,
)
from ops.seed_journal_rows import (
    COMMON_WORD,
    ENTRY_COLUMNS,
    ENTRY_TAG_COLUMNS,
    RARE_WORD,
    TAG_COLUMNS,
    TRASH_COLUMNS,
    VIEW_COLUMNS,
    JournalBatch,
    JournalRows,
)

logger = logging.getLogger(__name__)

TABLES = ("journal.tags", "journal.entries", "journal.entry_views", "journal.entry_tags")
#: Statement triggers the loader replaces by a set-based check after the load.
REPLACED_TRIGGERS = {
    "journal_private.enforce_daily_limit": "at most 40 entries a user a day, checked after",
    "journal_private.enforce_tag_limit": "at most 5 tags an entry, checked after",
}
#: Accounts without a diary (no entry, no tag), by id.
FREE_ACCOUNTS = """select id from auth.users u
                    where not exists (select from journal.entries e where e.owner_id = u.id)
                      and not exists (select from journal.tags t where t.owner_id = u.id)
                    order by id limit %s"""
#: A heavy user, for the summary and the benchmark.
HEAVY = 5_000


@dataclass
class JournalReport:
    users: int = 0
    new_users: int = 0
    entries: int = 0
    heavy_users: int = 0
    largest: int = 0
    median: int = 0
    tags: int = 0
    entry_tags: int = 0
    public: int = 0
    deleted: int = 0
    sealed: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class _Encoded:
    """A `JournalBatch` as COPY data, with its counts."""

    tags: bytes
    entries: bytes
    views: bytes
    entry_tags: bytes
    trash: bytes
    counts: tuple[int, int, int, int, int, int]  # tags, entries, links, trash, public, sealed

    @classmethod
    def of(cls, batch: JournalBatch) -> _Encoded:
        return cls(
            copy_text(batch.tags),
            copy_text(batch.entries),
            copy_text(batch.views),
            copy_text(batch.entry_tags),
            copy_text(batch.trash),
            (
                len(batch.tags),
                len(batch.entries),
                len(batch.entry_tags),
                len(batch.trash),
                batch.public,
                batch.sealed,
            ),
        )


class JournalSeeder:
    """Loads one `SeedOptions` worth of diaries through ``conn``'s open transaction."""

    def __init__(self, conn: psycopg.Connection[Any], options: SeedOptions, say: Say) -> None:
        self.conn = conn
        self.options = options
        self.say = say
        self.report = JournalReport()

    def _scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(query, params).fetchone()
        assert row is not None
        return row[0]

    def writers(self) -> list[uuid.UUID]:
        """``journal_user_count`` accounts without a diary yet (no entry, no tag): existing
        ones by id, then new demo accounts. A second seed (with another ``--seed``) thus
        writes new diaries instead of clashing with the first's tags."""
        wanted = self.options.journal_user_count
        have = len(self.conn.execute(FREE_ACCOUNTS, (wanted,)).fetchall())
        if have < wanted:
            # a seed of its own: the publishing seed's accounts already took ``seed``'s ids
            accounts = SeedOptions(articles=0, users=wanted - have, seed=self.options.seed + 7919)
            publishing = Seeder(self.conn, accounts, self.say)
            paused = publishing.pause_triggers()
            publishing.accounts()
            publishing.resume_triggers(paused)
            self.report.new_users = wanted - have
        rows = self.conn.execute(FREE_ACCOUNTS, (wanted,))
        return [uuid.UUID(str(r[0])) for r in rows.fetchall()]

    def load(self, writers: Sequence[uuid.UUID]) -> None:
        now = self._scalar("select now()")
        rows = JournalRows(self.options.seed, now)
        plan = rows.plan(writers, self.options.entries)
        counts = sorted((c for _, c in plan), reverse=True)
        report = self.report
        report.users = len(plan)
        report.heavy_users = sum(1 for c in counts if c >= HEAVY)
        report.largest = counts[0] if counts else 0
        report.median = counts[len(counts) // 2] if counts else 0
        self.conn.execute("lock table journal.entries in exclusive mode")
        self.conn.execute(
            "create temporary table seed_trash (id uuid, deleted_at timestamptz) on commit drop"
        )
        batches = rows.batches(plan, self.options.batch_size)
        with self.conn.cursor() as cur, Progress("journal entries", self.options.entries) as bar:
            for batch in prefetch(batches, _Encoded.of):
                for table, columns, data in (
                    ("journal.tags", TAG_COLUMNS, batch.tags),
                    ("journal.entries", ENTRY_COLUMNS, batch.entries),
                    ("journal.entry_views", VIEW_COLUMNS, batch.views),
                    ("journal.entry_tags", ENTRY_TAG_COLUMNS, batch.entry_tags),
                    ("pg_temp.seed_trash", TRASH_COLUMNS, batch.trash),
                ):
                    if data:
                        copy_into(cur, table, columns, data)
                tags, entries, links, _, public, sealed = batch.counts
                report.tags += tags
                report.entries += entries
                report.entry_tags += links
                report.public += public
                report.sealed += sealed
                bar.advance(entries)

    def trash(self) -> None:
        """Move the trash rows' entries to the trash at their own times (guard disabled:
        it would stamp the statement's time)."""
        guard = [("journal.entries", "entries_guard")]
        alter_triggers(self.conn, "disable", guard)
        moved = self.conn.execute(
            """update journal.entries e
                  set deleted_at = t.deleted_at, updated_at = t.deleted_at,
                      version = e.version + 1
                 from pg_temp.seed_trash t where t.id = e.id"""
        ).rowcount
        alter_triggers(self.conn, "enable", guard)
        self.report.deleted = moved

    def check_limits(self) -> None:
        """The limits whose statement triggers were paused, checked for the whole table."""
        over_day = self._scalar(
            """select count(*) from (
                 select 1 from journal.entries e, journal_private.settings s
                  where e.created_at
                        >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                  group by e.owner_id, s.daily_entry_limit
                 having count(*) > s.daily_entry_limit) x"""
        )
        over_tags = self._scalar(
            """select count(*) from (select 1 from journal.entry_tags
                group by entry_id having count(*) > 20) x"""
        )
        if over_day or over_tags:
            raise OpsError(
                f"the demo diaries break a limit: {over_day} users over the daily limit,"
                f" {over_tags} entries over 20 tags",
                "fix ops/seed_journal_rows.py (MAX_PER_DAY, TAGS_PER_ENTRY)",
            )

    def run(self) -> JournalReport:
        started = time.monotonic()
        self.conn.execute("set local synchronous_commit = off")
        writers = self.writers()
        paused = pause_triggers(self.conn, TABLES, REPLACED_TRIGGERS, self.say)
        ddl = drop_indexes_for_load(self.conn, "journal.entries", self.options.entries, self.say)
        self.load(writers)
        rebuild_indexes(self.conn, ddl)
        self.trash()
        alter_triggers(self.conn, "enable", paused)
        self.say(f"{len(paused)} triggers enabled again")
        self.check_limits()
        self.say("analyzing the journal's tables")
        for table in TABLES:
            self.conn.execute(sql.SQL("analyze {}").format(sql.Identifier(*table.split("."))))
        self.report.seconds = time.monotonic() - started
        return self.report


def seed_journal(url: str, options: SeedOptions, say: Say) -> JournalReport:
    """Load demo diaries into the deployed database at ``url`` (a superuser URL), in one go."""
    options.check()
    doing = "seed the journal's demo data"
    with translate_errors(doing), connect(url, doing) as conn:
        if conn.execute("select to_regclass('journal.entries')").fetchone() == (None,):
            raise OpsError(
                "the journal module is not deployed in this database", "run `inv db.deploy` first"
            )
        report = JournalSeeder(conn, options, say).run()
    logger.info("seeded %s journal entries in %.1f s", report.entries, report.seconds)
    return report


def seed_module(url: str, options: SeedOptions, say: Say) -> list[str]:
    """The journal module's seed entry point (its registration names it for `inv db.seed`)."""
    say(
        f"seeding {options.entries:,} journal entries across {options.journal_user_count:,}"
        f" users (seed {options.seed})"
    )
    return list(summary(seed_journal(url, options, say)))


def summary(report: JournalReport) -> Iterator[str]:
    """Lines for the operator: what was loaded, and the benchmark's words."""
    new = f", {report.new_users:,} new (password {DEMO_PASSWORD!r})" if report.new_users else ""
    yield f"journal users  {report.users:>10,}   existing accounts first{new}"
    yield (
        f"heavy users    {report.heavy_users:>10,}   with {HEAVY:,}+ entries; largest"
        f" {report.largest:,}, median {report.median:,}"
    )
    yield f"entries        {report.entries:>10,}"
    yield f"tags           {report.tags:>10,}"
    yield f"entry tags     {report.entry_tags:>10,}"
    yield f"public         {report.public:>10,}"
    yield f"in the trash   {report.deleted:>10,}"
    yield f"sealed         {report.sealed:>10,}"
    yield f"search words   common {COMMON_WORD!r} (~40 % of entries), rare {RARE_WORD!r}"
    rate = report.entries / report.seconds if report.seconds else 0.0
    yield f"done in {report.seconds:.1f} s ({rate:,.0f} entries/s)"
