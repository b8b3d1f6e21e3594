"""`inv import.blog`: the legacy Django blog into the publishing module (issue 23).

Fixtures are made by Django (tests/legacy_blog) and altered with sqlite3 to hold the
conflicts real legacy data holds; each test imports into its own fresh platform database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ops.backups import checksums
from ops.legacy_blog import import_blog, rollback_import, rules
from ops.legacy_blog.source import sha256_of
from tests.fix_cluster import SERVER
from tests.legacy_blog import LegacyBlog, LegacyRows, edge, empty_blog, fill
from tests.legacy_blog.strategies import legacy_rows
from tests.test_ops_tasks import inv

Conn = psycopg.Connection[tuple[object, ...]]
MEDIA = "https://legacy.example.org/media"
#: Tables whose content an import or a rollback changes on purpose: the import's history,
#: its one audit row and event, and derived counters of title words.
HISTORY = {
    "audit.log",
    "events.outbox",
    "events.captured",
    "events.sequencer",
    "publishing_private.legacy_imports",
    "publishing_private.legacy_ids",
    "publishing_private.search_words",
}
#: Every policy that is not refuse, for files that hold every kind.
ALL_POLICIES = {kind.name: next(iter(kind.policies)) for kind in rules.KINDS}


def quiet(_: str) -> None:
    pass


def scalar(conn: Conn, query: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def sums(conn: Conn) -> dict[str, Any]:
    return {
        k: v
        for k, v in checksums.table_sums(SERVER.url(conn.info.dbname)).items()
        if k not in HISTORY
    }


def policy_args(policies: dict[str, str]) -> list[str]:
    return [arg for k, v in policies.items() for arg in ("--policy", f"{k}={v}")]


def target_id(conn: Conn, table: str, legacy_id: int) -> Any:
    return scalar(
        conn,
        """select coalesce(target_id::text, target_uuid::text, target_key)
             from publishing_private.legacy_ids where legacy_table = %s and legacy_id = %s
            order by import_id desc limit 1""",
        (table, legacy_id),
    )


@pytest.fixture
def conn(platform_db: Conn) -> Conn:
    platform_db.autocommit = True
    return platform_db


@pytest.fixture
def quirky(legacy_blog_copy: LegacyBlog, conn: Conn) -> dict[str, Any]:
    """A copy of the Django-made blog holding one of each conflict the issue names, and a
    platform that already has an article with one of its slugs."""
    path = legacy_blog_copy.path
    conn.execute(
        """insert into auth.users (email, username, password_hash)
           values ('resident@example.org', 'resident', '!');
           insert into publishing.articles (title, slug, author_id)
           select 'Already here', 'already-here', id from auth.users where username = 'resident'"""
    )
    ids = {
        "email-duplicate": edge.duplicate_email_case(path),
        "email-invalid": edge.blank_email(path),
        "timezone-unknown": edge.bad_timezone(path),
        "username-refused": edge.bad_username(path),
        "text-too-long": edge.huge_content(path),
        "slug-exists": edge.existing_slug(path, "already-here"),
        "published-without-time": edge.published_without_time(path),
        "comment-too-deep": edge.deep_thread(path),
    }
    return {"path": path, "ids": ids, "blog": legacy_blog_copy}


def test_the_dry_run_lists_every_conflict_by_table_id_and_rule_and_writes_nothing(
    quirky: dict[str, Any], conn: Conn, tmp_path: Path
) -> None:
    path = quirky["path"]
    before, sha = sums(conn), sha256_of(path)
    report = tmp_path / "dry.json"
    done = inv(
        "import.blog", str(path), "--dry-run", "--report", str(report), db_name=conn.info.dbname
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dry run: nothing was written" in done.stdout
    doc = json.loads(report.read_text())
    found: dict[str, set[int]] = {}
    for c in doc["conflicts"]:
        found.setdefault(c["kind"], set()).add(c["legacy_id"])
        assert c["detail"]
        assert c["table"].startswith("blog_")
    for kind, legacy_ids in quirky["ids"].items():
        listed = found.get(kind, set())
        if kind == "email-duplicate":  # the second of the two accounts is the conflict
            assert set(legacy_ids) & listed, (kind, legacy_ids, found)
        else:
            assert set(legacy_ids) <= listed, (kind, legacy_ids, found)
        assert kind in done.stdout
    assert doc["source"]["counts"]["blog_article"] == quirky["blog"].counts["blog_article"]
    assert "a real run needs:" in done.stdout
    assert "--policy comment-too-deep=" in done.stdout
    assert sums(conn) == before, "a dry run writes nothing"
    assert sha256_of(path) == sha, "the legacy file is never written"


def test_a_real_run_refuses_to_start_while_a_conflict_has_no_policy(
    quirky: dict[str, Any], conn: Conn
) -> None:
    before = sums(conn)
    done = inv("import.blog", str(quirky["path"]), "--media-url", MEDIA, db_name=conn.info.dbname)
    assert done.returncode == 1
    assert "conflicts without a policy" in done.stderr
    assert "--policy comment-too-deep=flatten|refuse" in done.stderr
    assert sums(conn) == before
    assert scalar(conn, "select count(*) from publishing_private.legacy_imports") == 0


def test_an_import_with_policies_maps_every_row_verifies_and_rolls_back_exactly(
    quirky: dict[str, Any], conn: Conn, tmp_path: Path
) -> None:
    path, ids = quirky["path"], quirky["ids"]
    before, sha = sums(conn), sha256_of(path)
    audit_before = scalar(conn, "select count(*) from audit.log")
    events_before = scalar(conn, "select count(*) from events.outbox")
    report = tmp_path / "import.json"
    policies = {**ALL_POLICIES, "email-duplicate": "merge", "slug-exists": "rename"}
    done = inv(
        "import.blog", str(path), "--media-url", MEDIA, "--report", str(report),
        *policy_args(policies), db_name=conn.info.dbname,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(report.read_text())
    assert doc["verification"]["ok"] is True
    import_id = doc["import_id"]
    counts = doc["source"]["counts"]  # the altered file's (the edge cases added comments)
    tables = doc["verification"]["tables"]
    for table in ("blog_article", "blog_comment", "blog_customuser", "blog_tag"):
        assert tables[table]["source"] == counts[table]
        assert tables[table]["imported"] + tables[table]["left_out"] == counts[table]

    # what each policy did
    huge = target_id(conn, "blog_article", ids["text-too-long"][0])
    assert scalar(conn, "select octet_length(content) from publishing.articles where id = %s",
                  (int(huge),)) <= rules.LIMITS["content_bytes"]  # fmt: skip
    assert scalar(
        conn, "select max(depth) from publishing.comments c join publishing_private.legacy_ids m"
        " on m.target_id = c.id and m.legacy_table = 'blog_comment'"
    ) == rules.MAX_DEPTH  # fmt: skip
    first, second = ids["email-duplicate"][:2]
    assert target_id(conn, "blog_customuser", first) == target_id(conn, "blog_customuser", second)
    renamed = target_id(conn, "blog_customuser", ids["username-refused"][0])
    username = scalar(conn, "select username::text from auth.users where id = %s", (renamed,))
    assert rules.USERNAME.match(username)
    zone = target_id(conn, "blog_customuser", ids["timezone-unknown"][0])
    assert (
        scalar(conn, "select timezone from publishing.profiles where user_id = %s", (zone,))
        == "UTC"
    )
    slug = target_id(conn, "blog_article", ids["slug-exists"][0])
    assert (
        scalar(conn, "select slug from publishing.articles where id = %s", (int(slug),))
        != "already-here"
    )

    # no flood: one audit row (the record) and one event
    assert scalar(conn, "select count(*) from audit.log") == audit_before + 1
    assert scalar(conn, "select count(*) from events.outbox") == events_before + 1
    assert (
        scalar(conn, "select type from events.outbox order by id desc limit 1")
        == "import.completed"
    )
    assert sha256_of(path) == sha

    # old links, and a second run
    legacy = conn.execute(
        "select legacy_id from publishing_private.legacy_ids m join publishing.articles a"
        " on a.id = m.target_id where m.legacy_table = 'blog_article' and publishing.is_visible(a)"
        " limit 1"
    ).fetchone()
    assert legacy is not None
    assert scalar(conn, "select count(*) from publishing.legacy_article(%s)", (legacy[0],)) == 1
    again = inv("import.blog", str(path), *policy_args(policies), db_name=conn.info.dbname)
    assert again.returncode == 1
    assert f"already imported: import {import_id}" in again.stderr

    undone = inv("import.rollback", str(import_id), db_name=conn.info.dbname)
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert sums(conn) == before, "the rollback leaves every table as it was"
    assert scalar(conn, "select count(*) from publishing.legacy_article(%s)", (legacy[0],)) == 0


def test_the_verification_names_a_corrupted_row(legacy_blog_copy: LegacyBlog, conn: Conn) -> None:
    report = import_blog(
        SERVER.url(conn.info.dbname), legacy_blog_copy.path, policies=ALL_POLICIES,
        media_url=MEDIA, dry_run=False, say=quiet,
    )  # fmt: skip
    assert report.import_id is not None
    assert report.verification
    assert report.verification.ok
    comment = target_id(conn, "blog_comment", 5)
    conn.execute(
        "update publishing.comments set body = body || ' (edited)' where id = %s", (int(comment),)
    )
    done = inv(
        "import.verify", str(legacy_blog_copy.path), str(report.import_id), db_name=conn.info.dbname
    )
    assert done.returncode == 1
    assert "blog_comment 5: body" in done.stdout
    assert "1 mismatches" in done.stdout


def test_a_failure_anywhere_leaves_the_target_as_it_was(
    legacy_blog_copy: LegacyBlog, conn: Conn
) -> None:
    before = sums(conn)
    conn.execute(
        """create function public.fail_late() returns trigger language plpgsql as $$
           begin raise exception 'disk full (simulated)'; end $$;
           create trigger fail_late after insert on publishing.comment_moderation
             for each statement execute function public.fail_late()"""
    )
    with pytest.raises(Exception, match="disk full"):
        import_blog(
            SERVER.url(conn.info.dbname), legacy_blog_copy.path, policies=ALL_POLICIES,
            media_url=MEDIA, dry_run=False, say=quiet,
        )  # fmt: skip
    conn.execute("drop trigger fail_late on publishing.comment_moderation")
    conn.execute("drop function public.fail_late()")
    assert sums(conn) == before
    assert scalar(conn, "select count(*) from publishing_private.legacy_imports") == 0


def test_a_rollback_refuses_while_users_built_on_the_import(
    legacy_blog_copy: LegacyBlog, conn: Conn
) -> None:
    url = SERVER.url(conn.info.dbname)
    report = import_blog(
        url, legacy_blog_copy.path, policies=ALL_POLICIES, media_url=MEDIA, dry_run=False, say=quiet
    )
    assert report.import_id is not None
    article = int(target_id(conn, "blog_article", 1))
    conn.execute(
        """insert into publishing.comments (article_id, author_id, body)
           values (%s, (select author_id from publishing.articles where id = %s),
                   'new, after the import')""",
        (article, article),
    )
    done = inv("import.rollback", str(report.import_id), db_name=conn.info.dbname)
    assert done.returncode == 1
    assert "publishing.comments (article_id)" in done.stderr
    assert "--dependents delete" in done.stderr
    assert scalar(conn, "select count(*) from publishing.articles where id = %s", (article,)) == 1
    done = inv(
        "import.rollback", str(report.import_id), "--dependents", "delete", db_name=conn.info.dbname
    )
    assert done.returncode == 0, done.stderr
    assert scalar(conn, "select count(*) from publishing.articles where id = %s", (article,)) == 0
    assert (
        scalar(
            conn, "select count(*) from publishing.comments where body = 'new, after the import'"
        )
        == 0
    )


def test_a_file_that_is_not_the_legacy_blog_is_refused_by_name(tmp_path: Path, conn: Conn) -> None:
    path = empty_blog(tmp_path / "other.sqlite3")
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("drop table blog_comment")
    done = inv("import.blog", str(path), "--dry-run", db_name=conn.info.dbname)
    assert done.returncode == 1
    assert "missing table blog_comment" in done.stderr


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=legacy_rows(quirks=True),
    policies=st.fixed_dictionaries(
        {k.name: st.sampled_from([p for p in k.policies if p != "refuse"]) for k in rules.KINDS}
    ),
)
def test_every_legacy_row_is_imported_equal_or_listed_and_rollback_restores(
    rows: LegacyRows, policies: dict[str, str], conn: Conn, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = empty_blog(tmp_path_factory.mktemp("generated") / "blog.sqlite3")
    fill(path, rows)
    url = SERVER.url(conn.info.dbname)
    before = sums(conn)
    report = import_blog(url, path, policies=policies, media_url=MEDIA, dry_run=False, say=quiet)
    verification = report.verification
    assert verification is not None
    assert verification.ok, verification.mismatches
    listed = {(c["table"], c["legacy_id"]) for c in report.conflicts}
    for table, source in (
        ("blog_customuser", rows.users), ("blog_article", rows.articles),
        ("blog_comment", rows.comments), ("blog_tag", rows.tags),
    ):  # fmt: skip
        imported = {
            int(str(r[0]))
            for r in conn.execute(
                "select legacy_id from publishing_private.legacy_ids where import_id = %s"
                " and legacy_table = %s",
                (report.import_id, table),
            )
        }
        for row in source:
            assert row["id"] in imported or (table, row["id"]) in listed, (table, row["id"])
    assert report.import_id is not None
    rollback_import(url, report.import_id, None, quiet)
    assert sums(conn) == before
