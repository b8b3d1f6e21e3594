"""Realistic demo data for the publishing module: ``inv db.seed``.

One transaction (a failure leaves nothing behind) loads with COPY, in batches:

* accounts straight into ``auth.users`` with one precomputed bcrypt hash (``auth.create_user``
  spends a bcrypt at cost 10 per account); profiles follow by the schema's trigger, then get
  display names, bios, places and time zones; some accounts are authors, editors, moderators;
* a category tree and tags (reused when they exist: a second seed adds to the first);
* articles in every state (`ops.seed_rows`), co-authors, tags, and threaded comments with
  their moderation rows when ``publishing.comments`` exists.

Rows are generated in a background thread while the database digests the previous batch
(the stemming behind the ``search`` column is the load's main cost), so both cores work.

Bulk-load shortcuts, each printed when taken and undone before the commit:

* triggers that write the audit log or the events outbox are disabled during the load: one
  audit row and one event per demo row is not demo data;
* triggers whose effect the loader writes itself, set-based, are disabled too
  (`REPLACED_TRIGGERS`): the approved-comment counter (``comment_count`` goes in with each
  article), the commenter's request headers (a ``comment_moderation`` row per comment), and
  the profile time-zone check (it scans ``pg_timezone_names`` per row, tens of ms; the
  loader checks the demo time zones against it once), and each comment's copy of its
  article's visibility (``article_visible_from`` goes in with each comment and tag);
* for a large load into a nearly empty articles table, the secondary indexes of
  ``publishing.articles`` are dropped and rebuilt after the load, in the same transaction.
Every other trigger (guards, slugs, comment depth, the profile of each account) runs.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg import sql

from core.errors import OpsError
from ops.database import connect, translate_errors
from ops.progress import Progress
from ops.seed_rows import (
    ARTICLE_COLUMNS,
    CATEGORIES,
    COMMENT_COLUMNS,
    ORIGIN_COLUMNS,
    PROFILE_COLUMNS,
    USER_COLUMNS,
    Accounts,
    ArticleBatch,
    DemoRows,
    Row,
    slugify,
)

logger = logging.getLogger(__name__)

#: Every demo account's password (printed by ``inv db.seed``).
DEMO_PASSWORD = "demo password 2026"  # noqa: S105 - demo accounts only, printed

Say = Callable[[str], None]
T = TypeVar("T")
U = TypeVar("U")

#: The tables the load writes (the audit/event triggers of these are paused).
TABLES = (
    "auth.users",
    "auth.user_privileges",
    "publishing.profiles",
    "publishing.categories",
    "publishing.tags",
    "publishing.articles",
    "publishing.article_authors",
    "publishing.article_tags",
    "publishing.comments",
    "publishing.comment_moderation",
    # written by a trigger on auth.users (one author row per account)
    "journal.authors",
)
#: Trigger functions whose effect the loader writes itself, and how.
REPLACED_TRIGGERS = {
    "publishing_private.count_comments": "comment_count is written with each article",
    "publishing_private.capture_comment_origin": "a comment_moderation row is written per comment",
    "publishing_private.check_profile": "the demo time zones are checked once, set-based",
    "publishing_private.copy_article_visibility": "comments and tags carry article_visible_from",
}
#: Each article batch's tables, in foreign-key order, and the columns loaded.
LOAD_ORDER = (
    ("publishing.articles", ARTICLE_COLUMNS),
    ("publishing.article_authors", ("article_id", "user_id")),
    ("publishing.article_tags", ("article_id", "tag_id", "article_visible_from")),
    ("publishing.comments", COMMENT_COLUMNS),
    ("publishing.comment_moderation", ORIGIN_COLUMNS),
)
#: Rebuild a table's secondary indexes when loading at least this many rows into it while
#: it holds fewer than half as many (publishing.articles, journal.entries).
REBUILD_INDEXES_FROM = 50_000


@dataclass(frozen=True)
class SeedOptions:
    articles: int = 10_000
    users: int | None = None  # default: one per 50 articles, 20 to 20,000
    comments_per_article: float = 3.0
    seed: int = 42
    batch_size: int = 2_000
    #: journal entries (ops.seed_journal); the journal's writers are `journal_user_count`
    entries: int = 5_000

    @property
    def journal_user_count(self) -> int:
        """The journal's writers: ``users`` when given, else one per 100 entries (20 to
        10,000), existing accounts first."""
        if self.users is not None:
            return self.users
        return min(10_000, max(20, self.entries // 100))

    @property
    def user_count(self) -> int:
        if self.users is not None:
            return self.users
        return min(20_000, max(20, self.articles // 50))

    def check(self) -> None:
        if self.articles < 0:
            raise OpsError(f"--articles is {self.articles}", "give 0 or more articles")
        if self.user_count < 5:
            raise OpsError(f"--users is {self.user_count}", "give at least 5 users")
        if not 0 <= self.comments_per_article <= 100:
            raise OpsError(
                f"--comments-per-article is {self.comments_per_article}",
                "give an average between 0 and 100",
            )
        if self.entries < 0:
            raise OpsError(f"--entries is {self.entries}", "give 0 or more journal entries")
        if self.batch_size < 1:
            raise OpsError(f"batch size is {self.batch_size}", "give a positive batch size")


@dataclass
class SeedReport:
    users: int = 0
    categories: int = 0
    tags: int = 0
    articles: int = 0
    states: dict[str, int] = field(default_factory=dict)
    visible: int = 0
    co_authors: int = 0
    article_tags: int = 0
    comments: int | None = None
    seconds: float = 0.0


_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_value(value: Any) -> str:
    """One value in COPY's text format (str() of dates, UUIDs and numbers is what it parses)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


def copy_text(rows: Iterable[Row]) -> bytes:
    """Rows as COPY text: built in the generating thread, sent by the loading one."""
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows).encode()


def copy_into(cur: psycopg.Cursor[Any], table: str, columns: Sequence[str], data: bytes) -> None:
    """COPY ``data`` (`copy_text`) into ``table``'s ``columns``."""
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(*table.split(".")), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cur.copy(statement) as copy:
        copy.write(data)


@dataclass(frozen=True)
class _Encoded:
    """An `ArticleBatch` as COPY data per table, with its counts."""

    data: dict[str, bytes]
    articles: int
    co_authors: int
    tags: int
    comments: int
    states: dict[str, int]

    @classmethod
    def of(cls, batch: ArticleBatch) -> _Encoded:
        return cls(
            data={
                "publishing.articles": copy_text(batch.articles),
                "publishing.article_authors": copy_text(batch.co_authors),
                "publishing.article_tags": copy_text(batch.tags),
                "publishing.comments": copy_text(batch.comments),
                "publishing.comment_moderation": copy_text(batch.origins),
            },
            articles=len(batch.articles),
            co_authors=len(batch.co_authors),
            tags=len(batch.tags),
            comments=len(batch.comments),
            states=batch.states,
        )


def prefetch(items: Iterator[T], encode: Callable[[T], U], depth: int = 2) -> Iterator[U]:
    """Generate ``items`` and ``encode`` them in a thread, ``depth`` ahead of the loader."""
    slots: queue.Queue[U | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                encoded = encode(item)
                while not stop.is_set():
                    try:
                        slots.put(encoded, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(None)
        except BaseException as exc:  # handed to the consumer, raised there
            slots.put(exc)

    worker = threading.Thread(target=produce, name="seed-rows", daemon=True)
    worker.start()
    try:
        while (got := slots.get()) is not None:
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        worker.join(timeout=5)


def pause_triggers(
    conn: psycopg.Connection[Any], tables: Sequence[str], replaced: Mapping[str, str], say: Say
) -> list[tuple[str, str]]:
    """Disable the audit/event triggers of ``tables`` and the triggers running one of the
    ``replaced`` functions (name -> what the loader does instead); say each, return them."""
    rows = conn.execute(
        """select c.oid::regclass::text, t.tgname, p.oid::regproc::text,
                  n.nspname in ('audit', 'events')
             from pg_trigger t
             join pg_class c on c.oid = t.tgrelid
             join pg_proc p on p.oid = t.tgfoid
             join pg_namespace n on n.oid = p.pronamespace
            where not t.tgisinternal and t.tgenabled <> 'D'
              and c.oid = any (%s::regclass[])
              and (n.nspname in ('audit', 'events') or p.oid::regproc::text = any (%s))
            order by 4, 1, 2""",
        ([t for t in tables if _exists(conn, t)], list(replaced)),
    ).fetchall()
    paused = [(str(table), str(trigger)) for table, trigger, _, _ in rows]
    alter_triggers(conn, "disable", paused)
    logged = sorted({str(table) for table, _, _, audit_or_event in rows if audit_or_event})
    if logged:
        say("audit and event triggers disabled during the load on " + ", ".join(logged))
    for table, trigger, function, audit_or_event in rows:
        if not audit_or_event:
            say(f"trigger {trigger} on {table} disabled during the load: {replaced[str(function)]}")
    return paused


def alter_triggers(
    conn: psycopg.Connection[Any], action: str, triggers: Sequence[tuple[str, str]]
) -> None:
    """``alter table ... enable|disable trigger ...`` for each (table, trigger)."""
    for table, trigger in triggers:
        conn.execute(
            sql.SQL("alter table {} {} trigger {}").format(
                sql.Identifier(*table.split(".")), sql.SQL(action), sql.Identifier(trigger)
            )
        )


def drop_indexes_for_load(
    conn: psycopg.Connection[Any],
    table: str,
    loading: int,
    say: Say,
    *,
    minimum: int = REBUILD_INDEXES_FROM,
    ratio: float = 0.5,
) -> list[str]:
    """Before loading ``loading`` rows into ``table``: when that is at least ``minimum``
    and the table holds at most ``ratio`` times as many, drop its secondary indexes (not
    those of constraints) and return their DDL for `rebuild_indexes`; else do nothing."""
    row = conn.execute(sql.SQL("select count(*) from {}").format(_ident(table))).fetchone()
    existing = int(row[0]) if row else 0
    if loading < minimum or existing > ratio * loading:
        return []
    rows = conn.execute(
        """select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             from pg_index i
            where i.indrelid = %s::regclass
              and not exists (select from pg_constraint c where c.conindid = i.indexrelid)
            order by 1""",
        (table,),
    ).fetchall()
    for name, _ in rows:
        conn.execute(sql.SQL("drop index {}").format(_ident(str(name))))
    if rows:
        say(
            f"{len(rows)} secondary indexes of {table} dropped for the load;"
            " rebuilt after it, before the commit"
        )
    return [str(ddl) for _, ddl in rows]


def rebuild_indexes(conn: psycopg.Connection[Any], ddl: Sequence[str]) -> None:
    """Run the DDL `drop_indexes_for_load` returned, with a progress bar."""
    if not ddl:
        return
    conn.execute("set local maintenance_work_mem = '512MB'")
    with Progress("indexes", len(ddl)) as bar:
        for statement in ddl:
            conn.execute(statement)
            bar.advance(1)


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(*name.split("."))


def _exists(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", (table,)).fetchone()
    return bool(row and row[0])


class Seeder:
    """Loads one `SeedOptions` worth of data through ``conn``'s open transaction."""

    def __init__(self, conn: psycopg.Connection[Any], options: SeedOptions, say: Say) -> None:
        self.conn = conn
        self.options = options
        self.say = say
        self.report = SeedReport()
        now: datetime = self._scalar("select now()")
        self.rows = DemoRows(options.seed, now)
        self.has_comments = self._exists("publishing.comments")

    def _exists(self, table: str) -> bool:
        return bool(self._scalar("select to_regclass(%s) is not null", (table,)))

    def _scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(query, params).fetchone()
        assert row is not None
        return row[0]

    def pause_triggers(self) -> list[tuple[str, str]]:
        """Disable the audit/event triggers and the `REPLACED_TRIGGERS` on `TABLES`."""
        return pause_triggers(self.conn, TABLES, REPLACED_TRIGGERS, self.say)

    def resume_triggers(self, paused: Sequence[tuple[str, str]]) -> None:
        alter_triggers(self.conn, "enable", paused)
        if paused:
            self.say(f"{len(paused)} triggers enabled again")

    def accounts(self) -> Accounts:
        password_hash = self._scalar(
            "select extensions.crypt(%s, extensions.gen_salt('bf', 10))", (DEMO_PASSWORD,)
        )
        first_number = int(self._scalar("select count(*) from auth.users"))
        accounts = self.rows.accounts(self.options.user_count, first_number, password_hash)
        with self.conn.cursor() as cur, Progress("users", len(accounts.users)) as bar:
            size = self.options.batch_size
            for start in range(0, len(accounts.users), size):
                chunk = accounts.users[start : start + size]
                copy_into(cur, "auth.users", USER_COLUMNS, copy_text(chunk))
                bar.advance(len(chunk))
            privileges = copy_text(accounts.privileges)
            copy_into(cur, "auth.user_privileges", ("user_id", "privilege"), privileges)
            cur.execute(
                """create temporary table seed_profiles (user_id uuid, display_name text,
                     bio text, location text, timezone text, last_active_at timestamptz)
                   on commit drop"""
            )
            copy_into(cur, "pg_temp.seed_profiles", PROFILE_COLUMNS, copy_text(accounts.profiles))
            unknown = cur.execute(
                """select distinct timezone from pg_temp.seed_profiles
                   except select name from pg_catalog.pg_timezone_names"""
            ).fetchall()
            if unknown:
                raise OpsError(f"unknown demo time zones: {unknown}", "fix ops/seed_rows.py")
            cur.execute(
                """update publishing.profiles p
                      set display_name = s.display_name, bio = s.bio, location = s.location,
                          timezone = s.timezone, last_active_at = s.last_active_at
                     from pg_temp.seed_profiles s where s.user_id = p.user_id"""
            )
        self.report.users = len(accounts.users)
        return accounts

    def taxonomy(self) -> tuple[list[int], list[int]]:
        """Insert (or reuse) the category tree and the tags; return their ids."""
        ids: dict[str, int] = {}
        order = 0
        for top, children in CATEGORIES.items():
            for path in (top, *(f"{top}/{child}" for child in children)):
                parent_path, _, name = path.rpartition("/")
                order += 1
                ids[path] = int(
                    self._scalar(
                        """insert into publishing.categories
                                  (parent_id, name, slug, description, sort_order)
                           values (%s, %s, %s, %s, %s)
                           on conflict (slug) do update set name = excluded.name
                           returning id""",
                        (
                            ids.get(parent_path),
                            name,
                            slugify(path.replace("/", " ")),
                            f"Articles about {name.lower()}.",
                            order,
                        ),
                    )
                )
        names = self.rows.tag_names()
        slugs = [slugify(n) for n in names]
        with self.conn.cursor() as cur:
            cur.executemany(
                """insert into publishing.tags (name, slug) values (%s, %s)
                   on conflict (slug) do nothing""",
                list(zip(names, slugs, strict=True)),
            )
        tag_ids = [
            int(r[0])
            for r in self.conn.execute(
                "select id from publishing.tags where slug = any (%s)"
                " order by array_position(%s, slug)",
                (slugs, slugs),
            ).fetchall()
        ]
        self.report.categories, self.report.tags = len(ids), len(tag_ids)
        return list(ids.values()), tag_ids

    def articles(self, accounts: Accounts, categories: list[int], tags: list[int]) -> None:
        options = self.options
        self.conn.execute("lock table publishing.articles in exclusive mode")
        first_id = int(self._scalar("select coalesce(max(id), 0) + 1 from publishing.articles"))
        first_comment = 1
        if self.has_comments:
            self.conn.execute("lock table publishing.comments in exclusive mode")
            first_comment = int(
                self._scalar("select coalesce(max(id), 0) + 1 from publishing.comments")
            )
            self.report.comments = 0
        batches = self.rows.article_batches(
            count=options.articles,
            batch_size=options.batch_size,
            first_id=first_id,
            first_comment_id=first_comment,
            accounts=accounts,
            categories=categories,
            tags=tags,
            comments_per_article=options.comments_per_article if self.has_comments else None,
        )
        report = self.report
        with self.conn.cursor() as cur, Progress("articles", options.articles) as bar:
            for batch in prefetch(batches, _Encoded.of):
                for table, columns in LOAD_ORDER:
                    if batch.data[table]:
                        copy_into(cur, table, columns, batch.data[table])
                report.articles += batch.articles
                report.co_authors += batch.co_authors
                report.article_tags += batch.tags
                if report.comments is not None:
                    report.comments += batch.comments
                for state, count in batch.states.items():
                    report.states[state] = report.states.get(state, 0) + count
                bar.advance(batch.articles)
        for table in ("publishing.articles", "publishing.comments"):
            if self._exists(table):
                self.conn.execute(
                    sql.SQL(
                        "select setval(pg_get_serial_sequence({name}, 'id'),"
                        " greatest((select max(id) from {table}), 1))"
                    ).format(name=sql.Literal(table), table=sql.Identifier(*table.split(".")))
                )

    def run(self) -> SeedReport:
        started = time.monotonic()
        self.conn.execute("set local synchronous_commit = off")
        paused = self.pause_triggers()
        accounts = self.accounts()
        categories, tags = self.taxonomy()
        ddl = drop_indexes_for_load(
            self.conn, "publishing.articles", self.options.articles, self.say
        )
        self.articles(accounts, categories, tags)
        rebuild_indexes(self.conn, ddl)
        self.resume_triggers(paused)
        self.say("analyzing the loaded tables")
        for table in TABLES:
            if self._exists(table):
                self.conn.execute(sql.SQL("analyze {}").format(sql.Identifier(*table.split("."))))
        self.report.visible = int(
            self._scalar(
                "select count(*) from publishing.articles a where publishing.is_visible(a)"
            )
        )
        self.report.seconds = time.monotonic() - started
        return self.report


def seed(url: str, options: SeedOptions, say: Say) -> SeedReport:
    """Load demo data into the deployed database at ``url`` (a superuser URL), in one go."""
    options.check()
    doing = "seed demo data"
    with translate_errors(doing), connect(url, doing) as conn:
        if conn.execute("select to_regclass('publishing.articles')").fetchone() == (None,):
            raise OpsError(
                "the publishing module is not deployed in this database",
                "run `inv db.deploy` first",
            )
        report = Seeder(conn, options, say).run()
    logger.info("seeded %s articles in %.1f s", report.articles, report.seconds)
    return report


def seed_module(url: str, options: SeedOptions, say: Say) -> list[str]:
    """The publishing module's seed entry point (its registration names it for `inv db.seed`):
    load the demo data and return the summary lines."""
    say(
        f"seeding {options.articles:,} articles and {options.user_count:,} users"
        f" (seed {options.seed})"
    )
    return list(summary(seed(url, options, say)))


def summary(report: SeedReport) -> Iterator[str]:
    """Lines for the operator: what was loaded, and how to log in."""
    yield f"users          {report.users:>10,}   every demo account's password: {DEMO_PASSWORD!r}"
    yield f"categories     {report.categories:>10,}"
    yield f"tags           {report.tags:>10,}"
    states = ", ".join(f"{k} {v:,}" for k, v in sorted(report.states.items()))
    yield f"articles       {report.articles:>10,}   {states}"
    yield f"visible in all {report.visible:>10,}   published, not deleted, publish time passed"
    yield f"co-authors     {report.co_authors:>10,}"
    yield f"article tags   {report.article_tags:>10,}"
    if report.comments is None:
        yield "comments       (publishing.comments is not deployed yet: none)"
    else:
        yield f"comments       {report.comments:>10,}"
    rate = report.articles / report.seconds if report.seconds else 0.0
    yield f"done in {report.seconds:.1f} s ({rate:,.0f} articles/s)"
