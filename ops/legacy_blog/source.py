"""The legacy Django blog's SQLite file, opened read-only (``inv import.blog``).

Only Python's ``sqlite3``: the file is opened with ``mode=ro`` (SQLite refuses every
write), its SHA-256 is taken before and after, and it must be the legacy app's schema
(`TABLES`): a missing table or column is named in the error. Article texts are
streamed (`Source.articles`), everything else is small enough to hold.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.errors import OpsError

logger = logging.getLogger(__name__)

#: The legacy tables and the columns the import reads (Django's names).
TABLES: dict[str, tuple[str, ...]] = {
    "blog_customuser": (
        "id", "password", "last_login", "is_superuser", "username", "first_name",
        "last_name", "email", "is_staff", "is_active", "date_joined", "title", "bio",
        "user_type", "avatar", "preferences", "timezone", "last_active",
    ),
    "blog_category": ("id", "name", "slug", "description", "parent_id"),
    "blog_tag": ("id", "name", "slug"),
    "blog_article": (
        "id", "title", "slug", "excerpt", "content", "image", "read_time", "author_id",
        "category_id", "status", "views", "likes", "featured", "scheduled_publish",
        "created_at", "updated_at", "published_at",
    ),
    "blog_article_tags": ("id", "article_id", "tag_id"),
    "blog_comment": (
        "id", "article_id", "author_id", "parent_id", "content", "approved", "is_flagged",
        "ip_address", "user_agent", "moderation_notes", "created_at", "updated_at",
    ),
    "blog_sitesetting": ("id", "key", "value"),
}  # fmt: skip

#: Light article columns for the checks (texts measured in SQLite, not read).
ARTICLE_FACTS = (
    "id, slug, author_id, category_id, status, scheduled_publish, published_at, created_at,"
    " length(cast(title as blob)), length(trim(title)), length(cast(content as blob)),"
    " length(excerpt), image"
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def parse_time(value: str | None) -> datetime | None:
    """A Django datetime as SQLite stores it (UTC with USE_TZ; naive taken as UTC)."""
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ArticleFacts:
    id: int
    slug: str
    author_id: int
    category_id: int | None
    status: str
    scheduled_publish: datetime | None
    published_at: datetime | None
    created_at: datetime
    title_bytes: int
    title_trimmed: int
    content_bytes: int
    excerpt_chars: int
    image: str


@dataclass(frozen=True)
class CommentFacts:
    id: int
    article_id: int
    author_id: int
    parent_id: int | None
    body_chars: int
    body_trimmed: int
    notes_chars: int
    ip_address: str | None


class Source:
    """``with Source.open(path) as src: src.counts()``: the legacy database, read-only."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    @classmethod
    def open(cls, path: Path) -> Source:
        if not path.is_file():
            raise OpsError(
                f"{path}: no such file", "give the path of the legacy blog's SQLite file"
            )
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise OpsError(
                f"{path}: not a SQLite database ({exc})",
                "give the legacy blog's db.sqlite3 file (a copy, not the live one, is best)",
            ) from exc
        source = cls(path, conn)
        source.check_schema()
        return source

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def check_schema(self) -> None:
        """Refuse a file that is not the legacy blog's, naming what is missing."""
        missing: list[str] = []
        for table, columns in TABLES.items():
            have = {row[1] for row in self.conn.execute(f'pragma table_info("{table}")')}
            if not have:
                missing.append(f"table {table}")
                continue
            missing += [f"column {table}.{c}" for c in columns if c not in have]
        if missing:
            raise OpsError(
                f"{self.path} is not the legacy blog's database: missing " + ", ".join(missing),
                "give the SQLite file of the Django blog (app label `blog`, tables made by"
                " its migrate)",
            )

    def counts(self) -> dict[str, int]:
        return {
            t: int(self.conn.execute(f"select count(*) from {t}").fetchone()[0]) for t in TABLES
        }

    def rows(self, table: str, where: str = "") -> list[dict[str, Any]]:
        """Every row of a small table, as dicts, by id."""
        columns = TABLES[table]
        cur = self.conn.execute(f"select {', '.join(columns)} from {table} {where} order by id")
        return [dict(zip(columns, row, strict=True)) for row in cur]

    def article_facts(self) -> list[ArticleFacts]:
        cur = self.conn.execute(f"select {ARTICLE_FACTS} from blog_article order by id")
        return [
            ArticleFacts(
                id=r[0], slug=r[1], author_id=r[2], category_id=r[3], status=r[4],
                scheduled_publish=parse_time(r[5]), published_at=parse_time(r[6]),
                created_at=parse_time(r[7]) or datetime.now(UTC), title_bytes=r[8] or 0,
                title_trimmed=r[9] or 0, content_bytes=r[10] or 0, excerpt_chars=r[11] or 0,
                image=r[12] or "",
            )
            for r in cur
        ]  # fmt: skip

    def comment_facts(self) -> list[CommentFacts]:
        cur = self.conn.execute(
            "select id, article_id, author_id, parent_id, length(content), length(trim(content)),"
            " length(moderation_notes), ip_address from blog_comment order by id"
        )
        return [
            CommentFacts(
                id=r[0], article_id=r[1], author_id=r[2], parent_id=r[3], body_chars=r[4] or 0,
                body_trimmed=r[5] or 0, notes_chars=r[6] or 0, ip_address=r[7] or None,
            )
            for r in cur
        ]  # fmt: skip

    def article_tags(self) -> list[tuple[int, int]]:
        cur = self.conn.execute("select article_id, tag_id from blog_article_tags order by id")
        return [(int(a), int(t)) for a, t in cur]

    def articles(self, batch: int = 2_000, where: str = "true") -> Iterator[list[dict[str, Any]]]:
        """Every article (``where``), whole, in batches of ``batch`` by id."""
        columns = TABLES["blog_article"]
        cur = self.conn.execute(
            f"select {', '.join(columns)} from blog_article where {where} order by id"
        )
        while rows := cur.fetchmany(batch):
            yield [dict(zip(columns, row, strict=True)) for row in rows]

    def comments(self, batch: int = 10_000) -> Iterator[list[dict[str, Any]]]:
        columns = TABLES["blog_comment"]
        cur = self.conn.execute(f"select {', '.join(columns)} from blog_comment order by id")
        while rows := cur.fetchmany(batch):
            yield [dict(zip(columns, row, strict=True)) for row in rows]


def json_value(text: str | None) -> Any:
    """A Django JSONField's stored text, parsed (None when it is not JSON)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
