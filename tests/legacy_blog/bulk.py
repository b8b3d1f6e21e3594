"""A large legacy blog, fast: 10k users, 100k articles, 400k comments in seconds.

``fill_large`` (command line: ``python -m tests.legacy_blog.large``) starts from a
Django-made empty database (``empty_blog``) and inserts rows with ``sqlite3``
(``executemany``, one transaction) in Django's storage format: content of 1-10 KB of
words (most near 2 KB), threads up to the platform's 5 levels, 0-4 tags per article,
drafts, scheduled drafts and archived articles, cover images, IPv4, IPv6 and no address.
Passwords are Django PBKDF2 hashes at 1,000 iterations (``low_hashes``), so the clear
texts are known; every ninth account has an unusable one (``!`` + 40 characters).
The data breaks no rule of the platform (the conflicts come from ``edge.py``). Writes
``F.json`` (counts, passwords) beside the database, like ``make_fixture.py``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sqlite3
import string
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.legacy_blog.made import LegacyBlog, empty_blog, json_path, low_hashes
from tests.legacy_blog.rows import COLUMNS, django_datetime, django_json, table_counts

#: (table, rows written so far, rows of that table)
ProgressFn = Callable[[str, int, int], None]

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHUNK = 20_000
MAX_DEPTH = 4
FIRST = {
    "Ada": "ada", "Grace": "grace", "Linus": "linus", "Zoë": "zoe", "Øystein": "ystein",
    "Amélie": "amelie", "Kenji": "kenji", "": "user",
}  # fmt: skip
LAST = ["Lovelace", "Hopper", "Núñez", "Müller", "Ōta", "Smith", "O'Brien", ""]
ZONES = ["", "UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
AGENTS = ["", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5", "Mozilla/5.0 (iPhone)"]
SYLLABLES = [a + b for a in "kmnrstvbdfghjlpwyz" for b in "aeiou"]
_WORD_TEXT = (
    "river harvest policy season market coast storm garden library signal winter ledger "
    "harbor meadow council lantern orchard bridge quarry festival engine compass archive"
)
WORDS = _WORD_TEXT.split()
EXTRA_WORDS = ["café", "naïve", "Zürich", "smörgåsbord", "東京", "façade", "jalapeño"]


def _slug(text: str, limit: int) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:limit].strip("-")


class _Text:
    """A pool of words (Zipf-like frequencies, a few non-ASCII ones) cut into texts."""

    def __init__(self, rng: random.Random, words: int = 400_000) -> None:
        self.rng = rng
        vocab = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(4_000)})
        vocab += WORDS + EXTRA_WORDS
        rng.shuffle(vocab)
        weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
        self.vocab = vocab
        drawn = rng.choices(vocab, cum_weights=weights, k=words)
        parts: list[str] = []
        i = 0
        while i < len(drawn):
            n = rng.randint(6, 24)
            parts.append(" ".join(drawn[i : i + n]).capitalize() + ".")
            parts.append("\n\n" if rng.random() < 0.2 else " ")
            i += n
        self.pool = "".join(parts)

    def cut(self, low: int, high: int, mode: int | None = None) -> str:
        """About ``low``-``high`` characters of whole words, starting a sentence."""
        size = int(self.rng.triangular(low, high, mode if mode is not None else low))
        start = self.pool.find(". ", self.rng.randrange(len(self.pool) - high - 200)) + 2
        end = self.pool.rfind(" ", start, start + size)
        return self.pool[start : max(end, start + 1)].strip() or "Empty."


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(itertools.islice(it, CHUNK)):
        yield chunk


def _insert(
    con: sqlite3.Connection,
    table: str,
    rows: Iterable[tuple[Any, ...]],
    total: int,
    progress: ProgressFn | None,
) -> None:
    columns = COLUMNS[table]
    sql = f'insert into "{table}" ({", ".join(columns)}) values ({", ".join("?" * len(columns))})'
    done = 0
    for chunk in _chunks(rows):
        con.executemany(sql, chunk)
        done += len(chunk)
        if progress is not None:
            progress(table, done, total)


def _users(rng: random.Random, n: int, passwords: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    hashes = low_hashes()
    alphabet = string.ascii_letters + string.digits
    for i in range(n):
        first = rng.choice(list(FIRST))
        last = rng.choice(LAST)
        username = f"{FIRST[first]}{i}" if i % 7 else f"{FIRST[first]}.{_slug(last, 20)}_{i}"
        if i % 9 == 8:
            password = "!" + "".join(rng.choices(alphabet, k=40))
        else:
            clear, password = hashes[i % len(hashes)]
            passwords[username] = clear
        joined = NOW - timedelta(days=rng.randint(30, 3000), seconds=rng.randint(0, 86_399))
        prefs: dict[str, object] = {"theme": rng.choice(["light", "dark"]), "digest": i % 2 == 0}
        if i % 5 == 0:
            prefs["lang"] = rng.choice(["fr", "de", "ja"])
        yield (
            i + 1,
            password,
            None if i % 4 == 0 else django_datetime(NOW - timedelta(hours=rng.randint(1, 5000))),
            int(i == 0),
            username,
            first,
            last,
            f"{username}@example.org",
            int(i < 5),
            int(i % 50 != 49),
            django_datetime(joined),
            rng.choice(["", "Dr", "Ms", "Mr"]),
            "" if i % 3 == 0 else f"Writer from {rng.choice(ZONES[1:])}.",
            "admin" if i == 0 else rng.choice(["normal", "normal", "guest"]),
            f"avatars/{i + 1}.png" if i % 4 == 1 else "",
            django_json(prefs),
            rng.choice(ZONES),
            None
            if i % 5 == 0
            else django_datetime(NOW - timedelta(minutes=rng.randint(1, 90_000))),
        )


def _categories() -> list[tuple[Any, ...]]:
    """The demo data's tree: 3 roots, 3 children each, a grandchild under each first child."""
    rows: list[tuple[Any, ...]] = []
    words = ["season", "market", "coast", "storm"]
    for r, root in enumerate(("News", "Science", "Culture")):
        root_id = len(rows) + 1
        rows.append((root_id, root, root.lower(), f"All about {root.lower()}." * (r % 2), None))
        for j in range(3):
            child_id = len(rows) + 1
            name, slug = f"{root} {words[j + r % 2]}", f"{root.lower()}-{words[j + r % 2]}"
            rows.append((child_id, name, slug, "", root_id))
            if j == 0:
                rows.append((len(rows) + 1, f"{name} deep", f"{slug}-deep", "", child_id))
    return rows


def _articles(
    rng: random.Random, text: _Text, n: int, users: int, categories: int
) -> Iterator[tuple[Any, ...]]:
    for i in range(n):
        article_id = i + 1
        status = rng.choices(["published", "draft", "archived"], weights=[7, 2, 1])[0]
        published = NOW - timedelta(days=rng.randint(0, 2500), seconds=rng.randint(0, 86_399))
        created = published - timedelta(hours=rng.randint(1, 100))
        updated = min(NOW, published + timedelta(hours=rng.randint(0, 2000)))
        title = " ".join(text.cut(20, 90).split()).rstrip(".") or "Untitled"
        content = text.cut(1024, 10240, 2048)
        scheduled = status == "draft" and i % 3 == 0
        yield (
            article_id,
            title,
            f"{_slug(title, 80) or 'article'}-{article_id}",
            "" if i % 4 == 0 else text.cut(80, 400),
            content,
            f"articles/{article_id}.jpg" if i % 6 == 0 else "",
            max(1, len(content) // 1200),
            1 + int(users * rng.random() ** 2),
            None if i % 10 == 0 else rng.randint(1, categories),
            status,
            rng.randint(0, 50_000),
            rng.randint(0, 900),
            int(i % 25 == 0),
            django_datetime(NOW + timedelta(days=rng.randint(1, 30))) if scheduled else None,
            django_datetime(created),
            django_datetime(updated),
            None if status == "draft" else django_datetime(published),
        )


def _article_tags(rng: random.Random, articles: int, tags: int) -> Iterator[tuple[Any, ...]]:
    ids = itertools.count(1)
    for article_id in range(1, articles + 1):
        for tag_id in sorted(rng.sample(range(1, tags + 1), rng.randint(0, 4))):
            yield (next(ids), article_id, tag_id)


def _comments(
    rng: random.Random,
    text: _Text,
    n: int,
    users: int,
    starts: list[datetime],
    views: list[int],
) -> Iterator[tuple[Any, ...]]:
    """``n`` comments spread over the articles by popularity, threads 5 levels at most."""
    weights = list(itertools.accumulate(v + 100 for v in views))
    owners = sorted(rng.choices(range(1, len(starts) + 1), cum_weights=weights, k=n))
    comment_id = 0
    for article_id, group in itertools.groupby(owners):
        open_: list[tuple[int, int]] = []  # (id, depth) of comments that may get a reply
        when = starts[article_id - 1]
        for _ in group:
            comment_id += 1
            parent, depth = rng.choice(open_) if open_ and rng.random() < 0.5 else (None, -1)
            if depth + 1 < MAX_DEPTH:
                open_.append((comment_id, depth + 1))
            when += timedelta(minutes=rng.randint(1, 600), microseconds=rng.randint(0, 999_999))
            edited = when + timedelta(minutes=rng.randint(1, 30)) if rng.random() < 0.1 else when
            ip = rng.random()
            yield (
                comment_id,
                article_id,
                1 + int(users * rng.random() ** 1.5),
                parent,
                text.cut(20, 600, 120),
                int(rng.random() < 0.8),
                int(rng.random() < 0.05),
                None
                if ip < 0.2
                else f"198.51.100.{rng.randint(1, 254)}"
                if ip < 0.8
                else f"2001:db8::{rng.randint(1, 0xFFFF):x}",
                rng.choice(AGENTS),
                "checked" if rng.random() < 0.1 else "",
                django_datetime(when),
                django_datetime(edited),
            )


def fill_large(
    path: Path,
    *,
    users: int = 10_000,
    articles: int = 100_000,
    comments: int = 400_000,
    seed: int = 7,
    progress: ProgressFn | None = None,
) -> LegacyBlog:
    """Fill ``path`` (an empty blog database, made by ``empty_blog`` when absent)."""
    if not path.exists():
        empty_blog(path)
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by design
    text = _Text(rng)
    passwords: dict[str, str] = {}
    categories = _categories()
    tags = sorted({w.lower() for w in text.vocab if w.isascii() and 3 <= len(w) <= 20})[:120]
    starts: list[datetime] = []
    views: list[int] = []

    def articles_seen() -> Iterator[tuple[Any, ...]]:
        for row in _articles(rng, text, articles, users, len(categories)):
            starts.append(datetime.fromisoformat(row[16] or row[14]))
            views.append(row[10])
            yield row

    con = sqlite3.connect(path)
    try:
        con.execute("pragma synchronous = off")
        with con:
            _insert(con, "blog_customuser", _users(rng, users, passwords), users, progress)
            _insert(con, "blog_category", categories, len(categories), progress)
            tag_rows = [(i + 1, w, w) for i, w in enumerate(tags)]
            _insert(con, "blog_tag", tag_rows, len(tags), progress)
            _insert(con, "blog_article", articles_seen(), articles, progress)
            links = list(_article_tags(rng, articles, len(tags)))
            _insert(con, "blog_article_tags", links, len(links), progress)
            rows = _comments(rng, text, comments, users, starts, views)
            _insert(con, "blog_comment", rows, comments, progress)
            settings = [
                (1, "site_name", django_json({"text": "The Legacy Blog"})),
                (2, "comments", django_json({"moderation": True, "max_depth": None})),
                (3, "social", django_json({"twitter": "@legacyblog", "links": []})),
            ]
            _insert(con, "blog_sitesetting", settings, len(settings), progress)
    finally:
        con.close()
    counts = table_counts(path)
    json_path(path).write_text(
        json.dumps({"counts": counts, "passwords": passwords}, indent=1, ensure_ascii=False)
    )
    return LegacyBlog(path=path, counts=counts, passwords=passwords)
