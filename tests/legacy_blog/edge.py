"""Edge cases: each function alters a legacy blog database to hold ONE conflict.

Pass a copy (``copy_blog``), never a shared fixture's file: the functions write to the
database they are given, with ``sqlite3`` in one transaction, and return the source ids
(in ``blog_customuser``, ``blog_article`` or ``blog_comment``) of the rows that break the
platform's rule. Each picks its own rows, so any of them combine in one file:

| function | rows | rule broken |
| --- | --- | --- |
| ``duplicate_email_case`` | users 1 and 2 | e-mails unique, ignoring case |
| ``blank_email`` | user 3 | an account has an e-mail |
| ``bad_timezone`` | user 4 | a known time zone |
| ``bad_username`` | user 5 | ``^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$`` |
| ``huge_content`` | the first article | content of 1 MiB at most |
| ``existing_slug`` | the second article | slugs unique in the target |
| ``published_without_time`` | the last published article | published means a time |
| ``deep_thread`` | new comments on the third article | depth 0..4 (5 levels) |
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from tests.legacy_blog.made import json_path
from tests.legacy_blog.rows import django_datetime

#: the platform's deepest comment
MAX_DEPTH = 4
BAD_TIMEZONE = "Mars/Olympus_Mons"
#: Django accepts it (``[\w.@+-]{1,150}``), the platform does not (``@``, ``+``, ``é``)
BAD_USERNAME = "élodie+legacy@blog"


def copy_blog(source: Path, out: Path) -> Path:
    """A copy of a legacy blog database (and its JSON, when there is one) at ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, out)
    if json_path(source).exists():
        shutil.copyfile(json_path(source), json_path(out))
    return out


@contextmanager
def _writing(db: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(db)
    try:
        with con:
            yield con
    finally:
        con.close()


def _nth_id(con: sqlite3.Connection, table: str, n: int, where: str = "true") -> int:
    row = con.execute(
        f'select id from "{table}" where {where} order by id limit 1 offset ?', (n,)
    ).fetchone()
    if row is None:
        raise ValueError(f"{table} has no row number {n + 1} where {where}: use a bigger fixture")
    found: int = row[0]
    return found


def duplicate_email_case(db: Path) -> list[int]:
    """User 2 gets user 1's e-mail, its local part in other case (``ADA0@example.org``).

    Django keeps the local part's case (it lowers the domain only): both ids.
    """
    with _writing(db) as con:
        first, second = _nth_id(con, "blog_customuser", 0), _nth_id(con, "blog_customuser", 1)
        (email,) = con.execute(
            "select email from blog_customuser where id = ?", (first,)
        ).fetchone()
        local, domain = email.split("@")
        other = f"{local.swapcase()}@{domain}"
        con.execute("update blog_customuser set email = ? where id = ?", (other, second))
    return [first, second]


def blank_email(db: Path) -> list[int]:
    """User 3's e-mail becomes ``''`` (Django's blank)."""
    with _writing(db) as con:
        uid = _nth_id(con, "blog_customuser", 2)
        con.execute("update blog_customuser set email = '' where id = ?", (uid,))
    return [uid]


def bad_timezone(db: Path) -> list[int]:
    """User 4's time zone becomes one that does not exist (``Mars/Olympus_Mons``)."""
    with _writing(db) as con:
        uid = _nth_id(con, "blog_customuser", 3)
        con.execute("update blog_customuser set timezone = ? where id = ?", (BAD_TIMEZONE, uid))
    return [uid]


def bad_username(db: Path) -> list[int]:
    """User 5's username becomes one Django allows and the platform refuses."""
    with _writing(db) as con:
        uid = _nth_id(con, "blog_customuser", 4)
        con.execute("update blog_customuser set username = ? where id = ?", (BAD_USERNAME, uid))
    return [uid]


def huge_content(db: Path, bytes: int = 1_100_000) -> list[int]:
    """The first article's content becomes ``bytes`` bytes of words (over the 1 MiB limit)."""
    paragraph = "A very long legacy post keeps going and going. " * 20 + "\n\n"
    content = (paragraph * (bytes // len(paragraph) + 1))[:bytes]
    with _writing(db) as con:
        aid = _nth_id(con, "blog_article", 0)
        con.execute("update blog_article set content = ? where id = ?", (content, aid))
    return [aid]


def existing_slug(db: Path, slug: str) -> list[int]:
    """The second article's slug becomes ``slug`` (one that already exists in the target)."""
    with _writing(db) as con:
        aid = _nth_id(con, "blog_article", 1)
        con.execute("update blog_article set slug = ? where id = ?", (slug, aid))
    return [aid]


def published_without_time(db: Path) -> list[int]:
    """The last published article loses its ``published_at`` (status stays ``published``)."""
    with _writing(db) as con:
        row = con.execute("select max(id) from blog_article where status = 'published'").fetchone()
        if row[0] is None:
            raise ValueError("no published article: use a bigger fixture")
        aid: int = row[0]
        con.execute("update blog_article set published_at = null where id = ?", (aid,))
    return [aid]


def deep_thread(db: Path, depth: int = 7) -> list[int]:
    """A new thread on the third article: a root and replies down to ``depth``.

    Returns the ids of the new comments deeper than the platform allows (depth 5 and
    more: ``depth - 4`` comments); their ancestors (depth 0..4) are new rows too.
    """
    with _writing(db) as con:
        aid = _nth_id(con, "blog_article", 2)
        author = _nth_id(con, "blog_customuser", 0)
        (start,) = con.execute(
            "select created_at from blog_article where id = ?", (aid,)
        ).fetchone()
        when = datetime.fromisoformat(start)
        parent: int | None = None
        too_deep: list[int] = []
        for level in range(depth + 1):
            when += timedelta(minutes=5)
            cur = con.execute(
                "insert into blog_comment (article_id, author_id, parent_id, content, approved,"
                " is_flagged, ip_address, user_agent, moderation_notes, created_at, updated_at)"
                " values (?, ?, ?, ?, 1, 0, null, '', '', ?, ?)",
                (aid, author, parent, f"Reply at depth {level}.", *[django_datetime(when)] * 2),
            )
            parent = cur.lastrowid
            if level > MAX_DEPTH:
                too_deep.append(int(cur.lastrowid or 0))
    return too_deep
