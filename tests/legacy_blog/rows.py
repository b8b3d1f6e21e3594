"""Legacy rows as the Django blog stores them in SQLite, written and read with ``sqlite3``.

Values are kept exactly as Django writes them: datetimes as its SQLite text
(``2026-06-01 12:00:00`` or ``... 12:00:00.250000``, UTC, no offset), booleans as 0/1,
JSONField values as ``json.dumps`` text, blank fields as ``''`` and NULL only where the
model allows it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Row = dict[str, Any]

#: LegacyRows field -> its table, in an order that inserts parents first.
TABLES: dict[str, str] = {
    "users": "blog_customuser",
    "categories": "blog_category",
    "tags": "blog_tag",
    "articles": "blog_article",
    "article_tags": "blog_article_tags",
    "comments": "blog_comment",
    "site_settings": "blog_sitesetting",
}

#: table -> its columns in Django's order (``sqlite3 F .schema``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "blog_customuser": (
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
        "email", "is_staff", "is_active", "date_joined", "title", "bio", "user_type", "avatar",
        "preferences", "timezone", "last_active",
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


@dataclass
class LegacyRows:
    """The rows of the blog's tables (dicts keyed by Django's column names)."""

    users: list[Row] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    articles: list[Row] = field(default_factory=list)
    article_tags: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    site_settings: list[Row] = field(default_factory=list)
    #: username -> clear text, for the accounts whose hash is usable (not stored in SQLite)
    passwords: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> list[Row]:
        """The rows of one LegacyRows field (``users``, ``comments``...)."""
        rows: list[Row] = getattr(self, name)
        return rows


def django_datetime(value: datetime) -> str:
    """A datetime as Django (USE_TZ) writes it to SQLite: UTC, naive, ``str()`` form."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


def django_json(value: object) -> str:
    """A JSONField value as Django writes it to SQLite (``json.dumps``, ASCII escapes)."""
    return json.dumps(value)


def fill(path: Path, rows: LegacyRows) -> None:
    """Insert ``rows`` into the blog database at ``path`` in one transaction."""
    con = sqlite3.connect(path)
    try:
        with con:
            for name, table in TABLES.items():
                columns = COLUMNS[table]
                con.executemany(
                    f'insert into "{table}" ({", ".join(columns)}) '
                    f"values ({', '.join('?' * len(columns))})",
                    [tuple(row[c] for c in columns) for row in rows.table(name)],
                )
    finally:
        con.close()


def read_rows(path: Path) -> LegacyRows:
    """The blog's rows as stored in ``path``, ordered by id (read-only)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        found = LegacyRows()
        for name, table in TABLES.items():
            columns = ", ".join(COLUMNS[table])
            cur = con.execute(f'select {columns} from "{table}" order by id')
            found.table(name).extend(dict(r) for r in cur)
        return found
    finally:
        con.close()


def table_counts(path: Path) -> dict[str, int]:
    """Every table's row count, as the fixture's JSON holds them (no ``sqlite_*`` tables)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select name from sqlite_master where type = 'table' "
                "and name not like 'sqlite\\_%' escape '\\' order by name"
            )
        ]
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


__all__ = [
    "COLUMNS",
    "TABLES",
    "LegacyRows",
    "Row",
    "django_datetime",
    "django_json",
    "fill",
    "read_rows",
    "table_counts",
]
