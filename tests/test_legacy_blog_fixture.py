"""The legacy blog fixtures are what they claim (tests/legacy_blog, tests/fix_legacy_blog.py).

Counts in the JSON are the file's, every clear-text password verifies with Django's own
``check_password``, rows go in and come back in Django's storage format, generated blogs
have consistent keys, the large generator keeps the platform's rules, and each edge
function makes exactly its conflict.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.paths import PROJECT_ROOT
from tests.legacy_blog import (
    LegacyBlog,
    LegacyRows,
    django_check_passwords,
    django_datetime,
    django_json,
    django_review,
    edge,
    empty_blog,
    fill,
    fill_large,
    read_rows,
    table_counts,
)
from tests.legacy_blog.make_fixture import ITERATIONS, LOW_ITERATIONS
from tests.legacy_blog.strategies import PLATFORM_USERNAME, legacy_rows

DJANGO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$")


def query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def hashes(db: Path) -> dict[str, str]:
    return {str(u): str(p) for u, p in query(db, "select username, password from blog_customuser")}


def depths(db: Path) -> dict[int, int]:
    """comment id -> depth (0 for a thread's root)."""
    parents = dict(query(db, "select id, parent_id from blog_comment"))
    found: dict[int, int] = {}
    for cid in parents:
        depth, at = 0, parents[cid]
        while at is not None:
            depth, at = depth + 1, parents[at]
        found[cid] = depth
    return found


def foreign_key_errors(db: Path) -> list[tuple[Any, ...]]:
    return query(db, "pragma foreign_key_check")


def test_counts_in_the_json_are_the_files(legacy_blog: LegacyBlog) -> None:
    assert legacy_blog.counts == table_counts(legacy_blog.path), "JSON counts = sqlite counts"
    counts = legacy_blog.counts
    assert (counts["blog_customuser"], counts["blog_article"]) == (30, 150), "as asked"
    assert counts["blog_comment"] > 150, "about 3 comments per article"
    assert counts["blog_article_tags"] > 0, "tagged articles"
    assert counts["blog_category"] == 15
    assert counts["blog_sitesetting"] == 3
    assert foreign_key_errors(legacy_blog.path) == [], "every foreign key holds"


def test_every_password_verifies_with_django(legacy_blog: LegacyBlog) -> None:
    stored = hashes(legacy_blog.path)
    assert len(legacy_blog.passwords) == 30 - 30 // 9, "every account but each ninth"
    # Accounts share a few hashes (real PBKDF2 costs ~0.2 s a check): each pair once.
    pairs = sorted({(clear, stored[user]) for user, clear in legacy_blog.passwords.items()})
    wrong = [(clear + "x", encoded) for clear, encoded in pairs]
    assert django_check_passwords(pairs) == [True] * len(pairs), "each clear text verifies"
    assert django_check_passwords(wrong) == [False] * len(wrong), "a wrong one does not"
    counts = {int(h.split("$")[1]) for h in stored.values() if h.startswith("pbkdf2_sha256$")}
    assert counts == set(ITERATIONS), "the four iteration counts of Django's releases"
    unusable = [u for u, h in stored.items() if h.startswith("!")]
    assert sorted(unusable) == sorted(set(stored) - set(legacy_blog.passwords))
    assert all(len(stored[u]) == 41 for u in unusable), "'!' + 40 characters"


def test_the_demo_data_breaks_no_platform_rule(legacy_blog: LegacyBlog) -> None:
    db = legacy_blog.path
    assert max(depths(db).values()) <= edge.MAX_DEPTH, "threads of 5 levels at most"
    usernames = [str(u) for (u,) in query(db, "select username from blog_customuser")]
    assert all(PLATFORM_USERNAME.match(u) for u in usernames)
    emails = [str(e).lower() for (e,) in query(db, "select email from blog_customuser")]
    assert len(set(emails)) == len(emails)
    assert "" not in emails


def test_our_format_is_djangos(legacy_blog: LegacyBlog) -> None:
    """Values Django wrote read back through our helpers unchanged."""
    rows = read_rows(legacy_blog.path)
    for user in rows.users:
        assert user["preferences"] == django_json(json.loads(user["preferences"]))
        assert DJANGO_DATETIME.match(user["date_joined"])
        assert user["date_joined"] == django_datetime(datetime.fromisoformat(user["date_joined"]))
        assert user["is_staff"] in (0, 1)
    for setting in rows.site_settings:
        assert setting["value"] == django_json(json.loads(setting["value"]))
    stamps = [c["created_at"] for c in rows.comments] + [a["updated_at"] for a in rows.articles]
    assert all(DJANGO_DATETIME.match(s) for s in stamps)
    # the fixed clock (2026-06-01 12:00 UTC), not the wall clock, even for auto_now fields
    assert max(a["updated_at"] for a in rows.articles) <= "2026-06-01 12:00:00"
    assert max(c["updated_at"] for c in rows.comments) < "2026-06-10"


def test_the_empty_blog_has_djangos_tables_and_no_rows(
    legacy_empty: Path, legacy_blog: LegacyBlog
) -> None:
    schema = "select name, sql from sqlite_master where name not like 'sqlite%' order by name"
    assert query(legacy_empty, schema) == query(legacy_blog.path, schema), "same tables"
    counts = table_counts(legacy_empty)
    assert {n: c for n, c in counts.items() if n.startswith("blog_")} == dict.fromkeys(
        [n for n in counts if n.startswith("blog_")], 0
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=legacy_rows(quirks=True))
def test_fill_round_trips_and_keys_hold(rows: LegacyRows) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = empty_blog(Path(folder) / "blog.sqlite3")
        fill(db, rows)
        back = read_rows(db)
        assert foreign_key_errors(db) == [], "every foreign key holds"
        same_article = query(
            db,
            "select count(*) from blog_comment c join blog_comment p on p.id = c.parent_id"
            " where p.article_id <> c.article_id",
        )
    assert same_article == [(0,)], "a reply is on its parent's article"
    assert back == LegacyRows(**{**vars(rows), "passwords": {}}), "rows come back as written"


def draws(strategy: st.SearchStrategy[LegacyRows], count: int) -> list[LegacyRows]:
    """``count`` examples, generated only (no shrinking, no database), reproducibly."""
    found: list[LegacyRows] = []

    @settings(
        max_examples=count, phases=[Phase.generate], database=None, derandomize=True, deadline=None
    )
    @given(rows=strategy)
    def collect(rows: LegacyRows) -> None:
        found.append(rows)

    collect()
    return found


@pytest.mark.parametrize("quirks", [False, True])
def test_django_reads_generated_rows_as_its_own(quirks: bool, tmp_path: Path) -> None:
    """Django's models accept every drawn row (quirks included: the app let them in) and
    would write each value exactly as stored."""
    for n, rows in enumerate(draws(legacy_rows(quirks=quirks), 3)):
        db = empty_blog(tmp_path / f"blog{n}.sqlite3")
        fill(db, rows)
        assert django_review(db) == {"invalid": [], "differs": []}


def test_generated_passwords_verify_with_django() -> None:
    pairs: set[tuple[str, str]] = set()
    for rows in draws(legacy_rows(quirks=True), 10):
        stored = {u["username"]: u["password"] for u in rows.users}
        pairs |= {(clear, stored[user]) for user, clear in rows.passwords.items()}
    assert len(pairs) >= 3
    assert django_check_passwords(sorted(pairs)) == [True] * len(pairs)
    assert all(h.split("$")[1] == str(LOW_ITERATIONS) for _, h in pairs)


@settings(max_examples=25, deadline=None)
@given(rows=legacy_rows())
def test_without_quirks_every_row_fits_the_platform(rows: LegacyRows) -> None:
    usernames = [u["username"] for u in rows.users]
    assert all(PLATFORM_USERNAME.match(u) for u in usernames), usernames
    emails = [u["email"].lower() for u in rows.users]
    assert "" not in emails
    assert len(set(emails)) == len(emails)
    assert {u["username"] for u in rows.users} == set(rows.passwords), "all usable"
    parent = {c["id"]: c["parent_id"] for c in rows.comments}
    article = {c["id"]: c["article_id"] for c in rows.comments}
    for cid, pid in parent.items():
        depth = 0
        while pid is not None:
            assert article[pid] == article[cid], "a reply is on its parent's article"
            depth, pid = depth + 1, parent[pid]
        assert depth <= edge.MAX_DEPTH


QUIRKS: dict[str, Callable[[LegacyRows], bool]] = {
    "e-mails equal but for case": lambda r: (
        len({u["email"].lower() for u in r.users if u["email"]})
        < len([u for u in r.users if u["email"]])
    ),
    "a blank e-mail": lambda r: any(u["email"] == "" for u in r.users),
    "a username the platform refuses": lambda r: any(
        not PLATFORM_USERNAME.match(u["username"]) for u in r.users
    ),
    "a time zone that does not exist": lambda r: any(
        u["timezone"] == "Mars/Olympus_Mons" for u in r.users
    ),
    "an unusable password": lambda r: any(u["password"].startswith("!") for u in r.users),
    "a comment at depth 5 or more": lambda r: _deepest(r) > edge.MAX_DEPTH,
}


def _deepest(rows: LegacyRows) -> int:
    parent = {c["id"]: c["parent_id"] for c in rows.comments}
    deepest = 0
    for pid in parent.values():
        depth = 0
        while pid is not None:
            depth, pid = depth + 1, parent[pid]
        deepest = max(deepest, depth)
    return deepest


def test_quirks_are_drawn() -> None:
    """With quirks=True, each kind of legacy conflict comes up within 100 examples."""
    seen = {
        q for rows in draws(legacy_rows(quirks=True), 100) for q, has in QUIRKS.items() if has(rows)
    }
    assert seen == set(QUIRKS)


def test_fill_large_keeps_the_rules(tmp_path: Path) -> None:
    blog = fill_large(tmp_path / "large.sqlite3", users=60, articles=300, comments=1_200)
    db = blog.path
    assert blog.counts == table_counts(db) == json.loads(Path(f"{db}.json").read_text())["counts"]
    assert (blog.counts["blog_customuser"], blog.counts["blog_article"]) == (60, 300)
    assert blog.counts["blog_comment"] == 1_200
    assert foreign_key_errors(db) == []
    assert max(depths(db).values()) <= edge.MAX_DEPTH
    stored = hashes(db)
    pairs = [(clear, stored[user]) for user, clear in sorted(blog.passwords.items())[:8]]
    assert django_check_passwords(pairs) == [True] * len(pairs), "the passwords are known"
    assert len(blog.passwords) == 60 - 60 // 9
    sizes = [n for (n,) in query(db, "select length(content) from blog_article")]
    assert min(sizes) >= 900, "content of 1-10 KB"
    assert max(sizes) <= 10_240, "content of 1-10 KB"
    statuses = dict(query(db, "select status, count(*) from blog_article group by status"))
    assert set(statuses) == {"draft", "published", "archived"}
    usernames = list(stored)
    assert all(PLATFORM_USERNAME.match(u) for u in usernames)
    scheduled = query(db, "select count(*) from blog_article where scheduled_publish is not null")
    assert scheduled[0][0] > 0
    assert django_review(db) == {"invalid": [], "differs": []}, "Django's own format"


def test_edge_functions_make_their_conflict(legacy_blog_copy: LegacyBlog) -> None:
    db = legacy_blog_copy.path
    before = read_rows(db)

    pair = edge.duplicate_email_case(db)
    emails = dict(query(db, "select id, email from blog_customuser where id in (?, ?)", *pair))
    assert emails[pair[0]] != emails[pair[1]]
    assert len({str(e).lower() for e in emails.values()}) == 1
    (blank,) = edge.blank_email(db)
    assert query(db, "select id from blog_customuser where email = ''") == [(blank,)]
    (zone,) = edge.bad_timezone(db)
    assert query(db, "select id from blog_customuser where timezone = ?", edge.BAD_TIMEZONE) == [
        (zone,)
    ]
    (name,) = edge.bad_username(db)
    refused = [
        i
        for i, u in query(db, "select id, username from blog_customuser")
        if not PLATFORM_USERNAME.match(str(u))
    ]
    assert refused == [name]

    (huge,) = edge.huge_content(db)
    big = query(db, "select id from blog_article where length(cast(content as blob)) > 1048576")
    assert big == [(huge,)]
    (taken,) = edge.existing_slug(db, "hello-world")
    assert query(db, "select id from blog_article where slug = 'hello-world'") == [(taken,)]
    (untimed,) = edge.published_without_time(db)
    assert query(
        db, "select id from blog_article where status = 'published' and published_at is null"
    ) == [(untimed,)]

    deep = edge.deep_thread(db, depth=7)
    assert [d for c, d in sorted(depths(db).items()) if d > edge.MAX_DEPTH] == [5, 6, 7]
    assert sorted(c for c, d in depths(db).items() if d > edge.MAX_DEPTH) == deep
    assert foreign_key_errors(db) == []
    assert len({pair[0], pair[1], blank, zone, name}) == 5, "each its own user"
    assert len({huge, taken, untimed}) == 3, "each its own article"
    after = read_rows(db)
    assert len(after.comments) == len(before.comments) + 8, "a root and 7 replies"
    # each conflict is one the legacy app let in, stored in its format
    assert django_review(db) == {"invalid": [], "differs": []}


def test_django_is_imported_only_by_tests_and_bench() -> None:
    for package in ("core", "gateway", "ops"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                assert not any(n.split(".")[0] == "django" for n in names), path
