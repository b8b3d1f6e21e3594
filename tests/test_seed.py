"""`inv db.seed`: realistic demo data, loaded as an operator runs it, in a cloned database."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from ops.progress import Progress
from ops.seed import DEMO_PASSWORD, REBUILD_INDEXES_FROM, drop_indexes_for_load, rebuild_indexes
from ops.seed_rows import DemoRows
from tests.fix_cluster import SERVER
from tests.test_ops_tasks import inv

Conn = psycopg.Connection[tuple[object, ...]]


def scalar(conn: Conn, query: str) -> Any:
    row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def seeded(platform_db: Conn) -> tuple[Conn, str]:
    """500 articles, 40 users, about 2 comments per published article, seed 7."""
    platform_db.autocommit = True
    audit_before = scalar(platform_db, "select count(*) from audit.log")
    done = inv(
        "db.seed",
        "--articles",
        "500",
        "--users",
        "40",
        "--comments-per-article",
        "2",
        "--seed",
        "7",
        db_name=platform_db.info.dbname,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert scalar(platform_db, "select count(*) from audit.log") == audit_before, (
        "the demo rows themselves write no audit rows"
    )
    return platform_db, done.stdout


def test_seed_loads_the_requested_sizes_in_every_state(seeded: tuple[Conn, str]) -> None:
    conn, output = seeded
    assert scalar(conn, "select count(*) from publishing.articles") == 500
    assert scalar(conn, "select count(*) from auth.users") == 40
    assert scalar(conn, "select count(*) from publishing.profiles") == 40
    rows = conn.execute(
        """select case when deleted_at is not null then 'deleted'
                       when publish_at > now() then 'scheduled' else status end, count(*)
             from publishing.articles group by 1"""
    ).fetchall()
    states = {str(state): int(count) for state, count in rows}  # type: ignore[call-overload]
    assert set(states) == {"published", "draft", "in_review", "archived", "scheduled", "deleted"}
    assert 0.75 < int(states["published"]) / 500 < 0.95, states
    visible = scalar(
        conn, "select count(*) from publishing.articles a where publishing.is_visible(a)"
    )
    assert visible == states["published"]
    assert f"{visible:>10,}" in output
    # Published dates spread over the last years, none in the future.
    span = scalar(
        conn,
        """select extract(day from max(published_at) - min(published_at))
             from publishing.articles where status = 'published'""",
    )
    assert float(span) > 365
    assert scalar(conn, "select count(*) from publishing.articles where published_at > now()") == 0
    assert scalar(conn, "select count(*) from publishing.article_tags") > 500
    assert scalar(conn, "select count(*) from publishing.article_authors") > 0
    assert scalar(conn, "select count(distinct category_id) from publishing.articles") > 10
    assert "audit and event triggers disabled during the load" in output


def test_anonymous_readers_see_exactly_the_visible_articles(seeded: tuple[Conn, str]) -> None:
    conn, _ = seeded
    visible = scalar(
        conn, "select count(*) from publishing.articles a where publishing.is_visible(a)"
    )
    with conn.transaction():
        conn.execute("select tests.act_as_anon()")
        assert scalar(conn, "select count(*) from publishing.articles") == visible
        hits = scalar(conn, "select count(*) from publishing.search_articles('data', lim => 100)")
        assert hits == 100


def test_comments_are_threaded_moderated_and_counted(seeded: tuple[Conn, str]) -> None:
    conn, _ = seeded
    assert int(scalar(conn, "select count(*) from publishing.comments")) > 400
    assert scalar(conn, "select max(depth) from publishing.comments") <= 4
    assert scalar(conn, "select count(*) from publishing.comments where parent_id is not null") > 0
    statuses = {
        str(r[0])
        for r in conn.execute("select distinct status from publishing.comments").fetchall()
    }
    assert statuses == {"pending", "approved", "flagged", "removed"}
    # What the paused triggers would have written, the loader wrote.
    assert (
        scalar(
            conn,
            """select count(*) from publishing.articles a
            where a.comment_count <> (select count(*) from publishing.comments c
                                       where c.article_id = a.id and c.status = 'approved'
                                         and c.deleted_at is null)""",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            """select count(*) from publishing.comments c
            where not exists (select from publishing.comment_moderation m
                               where m.comment_id = c.id)""",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            """select count(*) from publishing.comments c
                 join publishing.articles a on a.id = c.article_id
            where a.published_at is null or c.created_at < a.published_at""",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            """select count(*) from publishing.comments c
                 join publishing.articles a on a.id = c.article_id
            where c.article_visible_from is distinct from publishing_private.visible_from(a)""",
        )
        == 0
    )
    assert (
        scalar(
            conn, "select count(*) from publishing.comments where article_visible_from is not null"
        )
        > 0
    )
    assert (
        scalar(
            conn,
            """select count(*) from publishing.article_tags t
                 join publishing.articles a on a.id = t.article_id
            where t.article_visible_from is distinct from publishing_private.visible_from(a)""",
        )
        == 0
    )


def test_the_load_leaves_every_trigger_enabled_and_demo_accounts_log_in(
    seeded: tuple[Conn, str],
) -> None:
    conn, output = seeded
    assert (
        scalar(
            conn,
            """select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid
            where c.relnamespace in ('publishing'::regnamespace, 'auth'::regnamespace)
              and not t.tgisinternal and t.tgenabled = 'D'""",
        )
        == 0
    )
    assert DEMO_PASSWORD in output
    admin = scalar(
        conn,
        """select u.email from auth.users u join auth.user_privileges p on p.user_id = u.id
            where p.privilege = 'admin'""",
    )
    with psycopg.connect(SERVER.url(conn.info.dbname)) as login:
        token = login.execute(
            "select api.login(%s, %s) ->> 'access_token'", (admin, DEMO_PASSWORD)
        ).fetchone()
        assert token is not None
        assert str(token[0]).count(".") == 2


def test_a_seed_reproduces_the_same_rows() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def rows(seed: int) -> list[tuple[object, ...]]:
        demo = DemoRows(seed, now)
        accounts = demo.accounts(10, 0, "hash")
        batches = demo.article_batches(
            count=50,
            batch_size=20,
            first_id=1,
            first_comment_id=1,
            accounts=accounts,
            categories=[1, 2, 3],
            tags=[1, 2],
            comments_per_article=2.0,
        )
        return [row for batch in batches for row in batch.articles + batch.comments]

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def test_the_load_shows_progress(seeded: tuple[Conn, str]) -> None:
    """Each table's load prints a progress line with its count, share and rate, and a
    final line with the time taken (one line per 10 % when not on a terminal)."""
    _, output = seeded
    lines = [
        line
        for line in output.splitlines()
        if line.lstrip().startswith("articles ") and "[" in line  # not the summary's line
    ]
    assert lines, output
    assert "500/500" in lines[-1]
    assert "100.0%" in lines[-1]
    assert "/s" in lines[-1]
    assert " in " in lines[-1], "the final line says how long the load took"


def test_a_progress_bar_prints_every_tenth_with_rate_and_eta() -> None:
    stream = io.StringIO()
    with Progress("rows", 1_000, stream=stream) as bar:
        for _ in range(100):
            bar.advance(10)
    lines = stream.getvalue().splitlines()
    # the first step (0-10 %), then one line per tenth done
    assert [line.split()[3] for line in lines] == ["1.0%"] + [f"{p}.0%" for p in range(10, 101, 10)]
    assert all("ETA" in line for line in lines[:-1])
    assert "/1,000" in lines[-1]
    assert " in " in lines[-1]


@pytest.mark.parametrize("table", ["publishing.articles", "journal.entries"])
def test_a_large_load_drops_secondary_indexes_and_rebuilds_them_as_they_were(
    platform_db: Conn, table: str
) -> None:
    """The seeds of publishing and journal share one drop-and-rebuild of indexes: the
    constraint indexes stay, the others go and come back with the same definitions."""
    indexes = """select indexrelid::regclass::text, pg_get_indexdef(indexrelid) from pg_index
                  where indrelid = %s::regclass order by 1"""
    before = platform_db.execute(indexes, (table,)).fetchall()
    said: list[str] = []

    assert drop_indexes_for_load(platform_db, table, REBUILD_INDEXES_FROM - 1, said.append) == []
    ddl = drop_indexes_for_load(platform_db, table, REBUILD_INDEXES_FROM, said.append)
    assert ddl, "a large load into an empty table drops its secondary indexes"
    assert said, "and says so"
    left = platform_db.execute(indexes, (table,)).fetchall()
    assert left, "the primary key stays"
    assert all(
        platform_db.execute(
            "select exists (select from pg_constraint where conindid = %s::regclass)", (name,)
        ).fetchone()
        == (True,)
        for name, _ in left
    ), "only the indexes of constraints stay"
    rebuild_indexes(platform_db, ddl)
    assert platform_db.execute(indexes, (table,)).fetchall() == before
