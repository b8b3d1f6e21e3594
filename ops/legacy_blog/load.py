"""Write a `Plan` in one transaction, by COPY (``inv import.blog``).

All or nothing: the caller's transaction holds every row, the id map, the import record
and the verification; any error rolls all of it back. An advisory lock serialises
imports, and the unique index on a standing import's SHA-256 refuses a second run of
the same file.

No flood: the audit and event triggers of the tables loaded are disabled for the load
(as ``inv db.seed`` does, `ops.seed.pause_triggers`; ALTER TABLE takes their locks until
the commit, so writers wait for the import); the import then leaves one audited row in
``publishing_private.legacy_imports`` and one event (``import.completed`` on
``publishing:review``, for editors and admins). Triggers whose effect the loader writes
itself are disabled too (`REPLACED_TRIGGERS`); every other trigger runs (profiles,
search vectors, reading time, title words, cover and avatar checks).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from core.errors import OpsError
from ops.legacy_blog import rules
from ops.legacy_blog.plan import ArticlePlan, Plan
from ops.legacy_blog.source import Source, parse_time
from ops.progress import Progress
from ops.seed import (
    Say,
    alter_triggers,
    copy_text,
    drop_indexes_for_load,
    pause_triggers,
    rebuild_indexes,
)

logger = logging.getLogger(__name__)

LOCK = "legacy-blog-import"
#: The tables an import writes (their audit and event triggers are paused).
TABLES = (
    "auth.users",
    "auth.user_privileges",
    "publishing.profiles",
    "publishing.categories",
    "publishing.tags",
    "publishing.articles",
    "publishing.article_tags",
    "publishing.comments",
    "publishing.comment_moderation",
    "publishing.site_settings",
    "journal.authors",
)
REPLACED_TRIGGERS = {
    "publishing_private.guard_article": "articles keep their legacy updated_at and counters",
    "publishing_private.derive_article_columns": "search vectors and reading times are derived"
    " by this very function on a staging table, in parallel",
    "publishing_private.guard_comment": "each comment's depth is computed by the import",
    "publishing_private.count_comments": "comment_count is written with each article",
    "publishing_private.capture_comment_origin": "comment_moderation rows come from the legacy"
    " IP, user agent and notes",
    "publishing_private.copy_article_visibility": "comments and tags carry article_visible_from",
}
#: Secondary indexes of a table are dropped for the load and built again after it (in
#: the transaction) when at least ``minimum`` rows are loaded and the table holds at most
#: ``ratio`` times as many: building the articles' RUM search indexes costs 0.13 ms an
#: article, inserting into them 4.2 ms (bench.import_blog), so a rebuild pays while the
#: table holds up to about 30 times what is loaded. Not with ``--online``: dropping an
#: index locks the table against readers until the commit.
REBUILD = {"publishing.articles": (1_000, 20.0), "publishing.comments": (10_000, 1.0)}
#: The columns analyzed after the load where not all: statistics of long texts and search
#: vectors (which no query filters by equality or range) cost seconds of detoasting;
#: autovacuum analyzes every column later.
ANALYZE_COLUMNS = {
    "publishing.articles": "(id, slug, status, featured, publish_at, published_at, author_id,"
    " category_id, view_count, like_count, comment_count, deleted_at, created_at, updated_at)",
    "publishing.comments": "(id, article_id, parent_id, author_id, depth, status, deleted_at,"
    " created_at, article_visible_from)",
}
ARTICLE_COLUMNS = (
    "id", "title", "slug", "excerpt", "content", "cover_image_url", "status", "featured",
    "publish_at", "published_at", "author_id", "category_id", "view_count", "like_count",
    "comment_count", "version", "created_at", "updated_at",
)  # fmt: skip
COMMENT_COLUMNS = (
    "id", "article_id", "parent_id", "author_id", "body", "depth", "status", "created_at",
    "updated_at", "article_visible_from",
)  # fmt: skip


def visible_from(status: str, published_at: datetime | None) -> datetime | None:
    """publishing_private.visible_from for a row the import writes (never deleted)."""
    return published_at if status == "published" else None


def copy_rows(
    cur: psycopg.Cursor[Any],
    table: str,
    columns: Sequence[str],
    chunks: Iterator[list[tuple[Any, ...]]],
    bar: Progress | None = None,
) -> int:
    """One COPY statement for every chunk (foreign keys are checked at its end)."""
    schema, name = table.split(".")
    statement = psycopg.sql.SQL("copy {} ({}) from stdin").format(
        psycopg.sql.Identifier(schema, name),
        psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns)),
    )
    count = 0
    with cur.copy(statement) as copy:
        for chunk in chunks:
            copy.write(copy_text(chunk))
            count += len(chunk)
            if bar is not None:
                bar.advance(len(chunk))
    return count


def _chunks(rows: Sequence[tuple[Any, ...]], size: int = 5_000) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def standing_import(conn: psycopg.Connection[Any], sha256: str) -> int | None:
    row = conn.execute(
        """select id from publishing_private.legacy_imports
            where source_sha256 = %s and rolled_back_at is null""",
        (sha256,),
    ).fetchone()
    return int(row[0]) if row else None


def article_row(a: dict[str, Any], p: ArticlePlan) -> tuple[Any, ...]:
    """A legacy article as the row `ARTICLE_COLUMNS` of publishing.articles, with the
    changes its conflicts' policies made."""
    title = p.changes.get("title", a["title"])
    content = a["content"] or ""
    if "content" in p.changes:
        content = rules.apply(content, p.changes["content"])
    excerpt = a["excerpt"] or None
    if "excerpt" in p.changes:
        excerpt = rules.apply(excerpt, p.changes["excerpt"])
    created = parse_time(a["created_at"])
    return (
        p.id, title, p.slug, excerpt, content, p.cover_image_url, p.status, bool(a["featured"]),
        p.publish_at, p.published_at, p.author, p.category_id, int(a["views"] or 0),
        int(a["likes"] or 0), p.comment_count, 1, created, parse_time(a["updated_at"]) or created,
    )  # fmt: skip


class ArticleStage:
    """Articles derived in parallel, before the load, by the platform's own trigger.

    An article's search vector (and reading time) is the load's main cost: about 0.5 ms of
    stemming an article in one backend. `workers` connections COPY the planned article
    rows into an unlogged staging table that carries ``articles_derive``'s very function
    (``publishing_private.derive_article_columns``), each in its own transaction, while
    the import's transaction loads accounts and taxonomy; the import then inserts the
    staged rows with that trigger paused. The staging table is outside the target: it is
    dropped whatever happens, and a failure leaves the target as it was.
    """

    def __init__(self, url: str, source: Source, plan: Plan, import_id: int, workers: int) -> None:
        self.url = url
        self.path = source.path
        self.plan = plan
        self.workers = max(1, workers)
        self.name = f"legacy_stage_{import_id}"
        self.table = psycopg.sql.Identifier("publishing_private", self.name)
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []
        self.bar = Progress("articles", len(plan.articles))
        self.lock = threading.Lock()

    def start(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                psycopg.sql.SQL(
                    """create unlogged table {t} (like publishing.articles);
                       create trigger derive before insert on {t} for each row
                         execute function publishing_private.derive_article_columns()"""
                ).format(t=self.table)
            )
        self.bar.__enter__()
        for k in range(self.workers):
            thread = threading.Thread(target=self.work, args=(k,), name=f"stage-{k}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def work(self, k: int) -> None:
        try:
            source = Source.open(self.path)
            plan = self.plan.articles
            statement = psycopg.sql.SQL("copy {} ({}) from stdin").format(
                self.table, psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, ARTICLE_COLUMNS))
            )
            with source, psycopg.connect(self.url) as conn, conn.cursor() as cur:
                conn.execute("set synchronous_commit = off")
                with cur.copy(statement) as copy:
                    for batch in source.articles(where=f"id % {self.workers} = {k}"):
                        rows = [article_row(a, plan[a["id"]]) for a in batch if a["id"] in plan]
                        copy.write(copy_text(rows))
                        with self.lock:
                            self.bar.advance(len(rows))
        except BaseException as exc:  # raised by join(), in the import's thread
            self.errors.append(exc)

    def join(self) -> None:
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]
        self.bar.__exit__(None, None, None)

    def drop(self) -> None:
        for thread in self.threads:
            thread.join()
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop table if exists {}").format(self.table))


class Loader:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        source: Source,
        plan: Plan,
        say: Say,
        *,
        url: str,
        online: bool = False,
    ) -> None:
        self.conn = conn
        self.url = url
        self.online = online
        self.stage: ArticleStage | None = None
        self.source = source
        self.plan = plan
        self.say = say
        self.counts: dict[str, int] = {}
        row = conn.execute(
            "select nextval(pg_get_serial_sequence('publishing_private.legacy_imports', 'id'))"
        ).fetchone()
        assert row is not None
        self.import_id = int(row[0])

    def users(self, cur: psycopg.Cursor[Any]) -> None:
        users = [u for u in self.plan.users.values() if u.created]
        now = self.conn.execute("select now()").fetchone()[0]  # type: ignore[index]
        rows = [(u.id, u.email, u.username, u.password_hash, u.created_at, now) for u in users]
        with Progress("users", len(rows)) as bar:
            self.counts["auth.users"] = copy_rows(
                cur, "auth.users",
                ("id", "email", "username", "password_hash", "created_at", "updated_at"),
                _chunks(rows), bar,
            )  # fmt: skip
        cur.execute(
            """create temporary table legacy_profiles (user_id uuid, display_name text, bio text,
                 avatar_url text, preferences jsonb, timezone text, last_active_at timestamptz,
                 created_at timestamptz) on commit drop"""
        )
        profile_rows = [
            (u.id, u.display_name, u.bio, u.avatar_url, json.dumps(u.preferences), u.timezone,
             u.last_active_at, u.created_at)
            for u in users
        ]  # fmt: skip
        copy_rows(
            cur, "pg_temp.legacy_profiles",
            ("user_id", "display_name", "bio", "avatar_url", "preferences", "timezone",
             "last_active_at", "created_at"),
            _chunks(profile_rows),
        )  # fmt: skip
        cur.execute(
            """update publishing.profiles p
                  set display_name = l.display_name, bio = l.bio, avatar_url = l.avatar_url,
                      preferences = l.preferences, timezone = l.timezone,
                      last_active_at = l.last_active_at, created_at = l.created_at
                 from pg_temp.legacy_profiles l where l.user_id = p.user_id"""
        )
        privileges = sorted((u.id, p) for u in users for p in u.privileges)
        self.counts["auth.user_privileges"] = copy_rows(
            cur, "auth.user_privileges", ("user_id", "privilege"), _chunks(privileges)
        )

    def taxonomy(self, cur: psycopg.Cursor[Any]) -> None:
        categories = self.plan.categories
        done: set[int] = set()
        ordered: list[tuple[Any, ...]] = []

        def add(lid: int) -> None:
            c = categories[lid]
            if lid in done:
                return
            done.add(lid)
            if c.parent is not None:
                add(c.parent)
            if c.created:
                parent = categories[c.parent].id if c.parent is not None else None
                ordered.append((c.id, parent, c.name, c.slug, c.description))

        for lid in sorted(categories):
            add(lid)
        with Progress("categories", len(ordered)) as bar:
            self.counts["publishing.categories"] = copy_rows(
                cur, "publishing.categories", ("id", "parent_id", "name", "slug", "description"),
                _chunks(ordered), bar,
            )  # fmt: skip
        tags = [(t.id, t.name, t.slug) for t in self.plan.tags.values() if t.created]
        with Progress("tags", len(tags)) as bar:
            self.counts["publishing.tags"] = copy_rows(
                cur, "publishing.tags", ("id", "name", "slug"), _chunks(tags), bar
            )

    def articles(self, cur: psycopg.Cursor[Any]) -> None:
        """The staged articles (`ArticleStage`, derived by then) into publishing.articles."""
        assert self.stage is not None
        self.stage.join()
        columns = psycopg.sql.SQL(", ").join(
            map(psycopg.sql.Identifier, (*ARTICLE_COLUMNS, "search", "reading_minutes"))
        )
        self.say(f"{len(self.plan.articles):,} articles from the stage into publishing.articles")
        moved = cur.execute(
            psycopg.sql.SQL(
                "insert into publishing.articles ({c}) select {c} from {s} order by id"
            ).format(c=columns, s=self.stage.table)
        )
        self.counts["publishing.articles"] = moved.rowcount
        cur.execute(psycopg.sql.SQL("drop table {}").format(self.stage.table))
        articles = self.plan.articles
        tags = self.plan.tags
        links = [
            (
                articles[a].id,
                tags[t].id,
                visible_from(articles[a].status, articles[a].published_at),
            )
            for a, t in self.plan.article_tags.values()
        ]
        with Progress("article tags", len(links)) as bar:
            self.counts["publishing.article_tags"] = copy_rows(
                cur, "publishing.article_tags", ("article_id", "tag_id", "article_visible_from"),
                _chunks(links), bar,
            )  # fmt: skip

    def comment_rows(self, origins: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
        plan, articles = self.plan.comments, self.plan.articles
        for batch in self.source.comments():
            rows = []
            for c in batch:
                p = plan.get(int(c["id"]))
                if p is None:
                    continue
                article = articles[p.article]
                body = c["content"]
                if "body" in p.changes:
                    body = rules.apply(body, p.changes["body"])
                created = parse_time(c["created_at"])
                rows.append(
                    (
                        p.id, article.id, plan[p.parent].id if p.parent is not None else None,
                        p.author, body, p.depth, p.status, created,
                        parse_time(c["updated_at"]) or created,
                        visible_from(article.status, article.published_at),
                    )
                )  # fmt: skip
                ip = c["ip_address"].strip() if c["ip_address"] else None
                if "ip_address" in p.changes:
                    ip = None
                note = c["moderation_notes"] or None
                if "moderator_note" in p.changes:
                    note = rules.apply(note, p.changes["moderator_note"])
                origins.append((p.id, ip, c["user_agent"] or None, note))
            yield rows

    def comments(self, cur: psycopg.Cursor[Any]) -> None:
        origins: list[tuple[Any, ...]] = []
        with Progress("comments", len(self.plan.comments)) as bar:
            self.counts["publishing.comments"] = copy_rows(
                cur, "publishing.comments", COMMENT_COLUMNS, self.comment_rows(origins), bar
            )
        with Progress("comment origins", len(origins)) as bar:
            self.counts["publishing.comment_moderation"] = copy_rows(
                cur, "publishing.comment_moderation",
                ("comment_id", "ip_address", "user_agent", "moderator_note"), _chunks(origins),
                bar,
            )  # fmt: skip

    def settings(self, cur: psycopg.Cursor[Any]) -> None:
        written = 0
        for s in self.plan.settings.values():
            if s.action == "keep":
                continue
            cur.execute(
                """insert into publishing.site_settings (key, value, updated_by)
                   values (%s, %s, null)
                   on conflict (key) do update set value = excluded.value,
                     updated_at = now(), updated_by = null""",
                (s.key, Jsonb(s.value)),
            )
            written += 1
        self.counts["publishing.site_settings"] = written

    def id_map(self, cur: psycopg.Cursor[Any]) -> None:
        i = self.import_id
        rows: list[tuple[Any, ...]] = []
        rows += [
            (i, "blog_customuser", k, None, u.id, None, u.created, None)
            for k, u in self.plan.users.items()
        ]
        rows += [
            (i, "blog_category", k, c.id, None, None, c.created, None)
            for k, c in self.plan.categories.items()
        ]
        rows += [
            (i, "blog_tag", k, t.id, None, None, t.created, None) for k, t in self.plan.tags.items()
        ]
        rows += [
            (i, "blog_article", k, a.id, None, None, True, None)
            for k, a in self.plan.articles.items()
        ]
        rows += [
            (i, "blog_comment", k, c.id, None, None, True, None)
            for k, c in self.plan.comments.items()
        ]
        articles, tags = self.plan.articles, self.plan.tags
        rows += [
            (i, "blog_article_tags", k, None, None, f"{articles[a].id}/{tags[t].id}", True, None)
            for k, (a, t) in self.plan.article_tags.items()
        ]
        rows += [
            (i, "blog_sitesetting", k, None, None, s.key, s.action == "insert",
             None if s.previous is None else json.dumps(s.previous))
            for k, s in self.plan.settings.items()
        ]  # fmt: skip
        with Progress("id map", len(rows)) as bar:
            copy_rows(
                cur, "publishing_private.legacy_ids",
                ("import_id", "legacy_table", "legacy_id", "target_id", "target_uuid",
                 "target_key", "created", "previous"),
                _chunks(rows, 20_000), bar,
            )  # fmt: skip

    def record(self, sha256: str, options: dict[str, Any], source_counts: dict[str, int]) -> None:
        who = f"{getpass.getuser()} (database role {self.conn.info.user})"
        conflicts = [c.as_json() for c in self.plan.conflicts]
        counts = {"source": source_counts, "target": self.counts}
        self.conn.execute(
            """insert into publishing_private.legacy_imports
                      (id, source_name, source_sha256, options, counts, conflicts, imported_by)
               overriding system value values (%s, %s, %s, %s, %s, %s, %s)""",
            (
                self.import_id, self.source.path.name, sha256, Jsonb(options), Jsonb(counts),
                Jsonb(conflicts), who,
            ),
        )  # fmt: skip
        self.conn.execute(
            """insert into events.outbox (topic, type, payload, audience)
               values ('publishing:review', 'import.completed', %s,
                       '{"privileges": ["editor", "admin"]}')""",
            (
                Jsonb(
                    {
                        "import_id": self.import_id,
                        "source": self.source.path.name,
                        "counts": self.counts,
                    }
                ),
            ),
        )

    def run(self, sha256: str, options: dict[str, Any], source_counts: dict[str, int]) -> int:
        conn = self.conn
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (LOCK,))
        standing = standing_import(conn, sha256)
        if standing is not None:
            raise OpsError(
                f"{self.source.path.name} (SHA-256 {sha256[:12]}...) is already imported:"
                f" import {standing}",
                f"to import it again, roll it back first: inv import.rollback {standing}",
            )
        conn.execute("set local synchronous_commit = off")
        self.stage = ArticleStage(
            self.url, self.source, self.plan, self.import_id, workers=min(4, os.cpu_count() or 1)
        )
        self.load(sha256, options, source_counts)
        return self.import_id

    def cleanup(self) -> None:
        """After the import's transaction ended (committed or not): the staging table goes."""
        if self.stage is not None:
            self.stage.drop()

    def load(self, sha256: str, options: dict[str, Any], source_counts: dict[str, int]) -> None:
        conn = self.conn
        assert self.stage is not None
        self.stage.start()
        paused = pause_triggers(conn, TABLES, REPLACED_TRIGGERS, self.say)
        rebuild: list[str] = []
        if not self.online:
            for table, loading, (minimum, ratio) in (
                ("publishing.articles", len(self.plan.articles), REBUILD["publishing.articles"]),
                ("publishing.comments", len(self.plan.comments), REBUILD["publishing.comments"]),
            ):
                rebuild += drop_indexes_for_load(
                    conn, table, loading, self.say, minimum=minimum, ratio=ratio
                )
        with conn.cursor() as cur:
            self.users(cur)
            self.taxonomy(cur)
            self.articles(cur)
            self.comments(cur)
            self.settings(cur)
        rebuild_indexes(conn, rebuild)
        alter_triggers(conn, "enable", paused)
        self.say(f"{len(paused)} triggers enabled again")
        self.record(sha256, options, source_counts)
        with conn.cursor() as cur:
            self.id_map(cur)
        for table in (*TABLES, "publishing_private.legacy_ids"):
            conn.execute(
                psycopg.sql.SQL("analyze {} {}").format(
                    psycopg.sql.Identifier(*table.split(".")),
                    psycopg.sql.SQL(ANALYZE_COLUMNS.get(table, "")),
                )
            )
