"""Properties of the publishing module, checked with hypothesis against real components."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from tests.fix_postgrest import ApiServer
from tests.publishing_client import PUBLISHING, create_user, login

Conn = psycopg.Connection[tuple[Any, ...]]
relaxed = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

article_states = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["draft", "in_review", "published", "archived"]),
        "deleted": st.booleans(),
        "offset_hours": st.integers(min_value=-500, max_value=500),
        "by": st.sampled_from(["author", "reader"]),
        "comments": st.lists(
            st.sampled_from(["pending", "approved", "flagged", "removed"]), max_size=3
        ),
    }
)


@pytest.fixture(scope="module")
def cast(postgrest: ApiServer) -> dict[str, Any]:
    """An author, a plain reader and their ids, shared by the examples."""
    author = create_user(postgrest.db_url, ["author"], "propauthor")
    reader = create_user(postgrest.db_url, [], "propreader")
    with psycopg.connect(postgrest.db_url) as conn:
        ids: dict[str, Any] = dict(
            conn.execute(
                "select email::text, id from auth.users"
                " where email in (%s::extensions.citext, %s::extensions.citext)",
                (author, reader),
            ).fetchall()
        )
    return {
        "author": author,
        "reader": reader,
        "ids": {"author": ids[author], "reader": ids[reader]},
    }


def insert_articles(db_url: str, cast: dict[str, Any], states: list[dict[str, Any]]) -> str:
    """Insert articles in the given states as the owner; returns the batch's tag."""
    tag = uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for n, state in enumerate(states):
            published_at = now + dt.timedelta(hours=state["offset_hours"])
            row = conn.execute(
                """insert into publishing.articles
                          (title, content, status, published_at, author_id, deleted_at)
                   values (%s, 'body', %s, %s, %s, %s) returning id""",
                (
                    f"prop {tag} {n}",
                    state["status"],
                    published_at if state["status"] in ("published", "archived") else None,
                    cast["ids"][state["by"]],
                    now if state["deleted"] else None,
                ),
            ).fetchone()
            assert row is not None
            for status in state["comments"]:
                conn.execute(
                    "insert into publishing.comments (article_id, author_id, body, status)"
                    " values (%s, %s, 'c', %s)",
                    (row[0], cast["ids"]["reader"], status),
                )
    return tag


def visible(state: dict[str, Any]) -> bool:
    return state["status"] == "published" and not state["deleted"] and state["offset_hours"] <= 0


@relaxed
@given(states=st.lists(article_states, min_size=1, max_size=6))
def test_others_never_see_unpublished_articles_or_unapproved_comments(
    postgrest: ApiServer, cast: dict[str, Any], states: list[dict[str, Any]]
) -> None:
    tag = insert_articles(postgrest.db_url, cast, states)
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        reader = login(api, cast["reader"])
        for who, headers in (("anonymous", PUBLISHING), ("reader", reader)):
            rows = api.get(
                "/articles",
                headers=headers,
                params={
                    "title": f"like.prop {tag} *",
                    "select": "title,status,published_at,comments(status)",
                },
            ).json()
            expected = {
                f"prop {tag} {n}"
                for n, s in enumerate(states)
                if visible(s) or (who == "reader" and s["by"] == "reader")
            }
            assert {r["title"] for r in rows} == expected, who
            for row in rows:
                if who == "anonymous" or row["status"] == "published":
                    for comment in row["comments"]:
                        assert comment["status"] == "approved" or who == "reader", (who, row)
            if who == "anonymous":
                assert all(c["status"] == "approved" for r in rows for c in r["comments"])
            cards = api.get(
                "/article_cards",
                headers=headers,
                params={"title": f"like.prop {tag} *", "select": "title,author,comments(status)"},
            ).json()
            assert {r["title"] for r in cards} == expected, (who, "article_cards")
            assert all(r["author"]["username"] for r in cards)
            if who == "anonymous":
                assert all(c["status"] == "approved" for r in cards for c in r["comments"])


@pytest.fixture
def owner(postgrest: ApiServer) -> Iterator[Conn]:
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        yield conn


def act_as(conn: Conn, user_id: Any, privileges: list[str]) -> None:
    claims = {"role": "authenticated", "sub": str(user_id), "privileges": privileges}
    conn.execute(
        "select set_config('request.jwt.claims', %s::jsonb::text, false)", (Jsonb(claims),)
    )
    conn.execute("set role authenticated")


def reset(conn: Conn) -> None:
    conn.execute("reset role")
    conn.execute("select set_config('request.jwt.claims', '', false)")


@relaxed
@given(
    count=st.integers(min_value=1, max_value=25),
    page_size=st.integers(min_value=1, max_value=7),
    distinct_times=st.integers(min_value=1, max_value=4),
)
def test_keyset_paging_returns_each_visible_article_exactly_once(
    owner: Conn, cast: dict[str, Any], count: int, page_size: int, distinct_times: int
) -> None:
    tag = uuid.uuid4().hex[:12]
    base = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for n in range(count):  # few distinct timestamps: plenty of ties
        owner.execute(
            """insert into publishing.articles (title, status, published_at, author_id)
               values (%s, 'published', %s, %s)""",
            (
                f"page {tag} {n}",
                base + dt.timedelta(minutes=n % distinct_times),
                cast["ids"]["author"],
            ),
        )
    owner.execute("set role anon")
    try:
        seen: list[int] = []
        cursor: tuple[Any, int] | None = None
        while True:
            rows = owner.execute(
                """select id, published_at from publishing.articles
                    where title like %s
                      and (%s::timestamptz is null
                           or (published_at, id) < (%s::timestamptz, %s::bigint))
                    order by published_at desc, id desc limit %s""",
                (
                    f"page {tag} %",
                    cursor and cursor[0],
                    cursor and cursor[0],
                    cursor and cursor[1],
                    page_size,
                ),
            ).fetchall()
            if not rows:
                break
            seen += [r[0] for r in rows]
            cursor = (rows[-1][1], rows[-1][0])
    finally:
        owner.execute("reset role")
    assert len(seen) == len(set(seen)) == count


@relaxed
@given(parents=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12))
def test_comment_depth_never_exceeds_five_levels(
    owner: Conn, cast: dict[str, Any], parents: list[int]
) -> None:
    row = owner.execute(
        """insert into publishing.articles (title, status, published_at, author_id)
           values ('thread', 'published', now() - interval '1 day', %s) returning id""",
        (cast["ids"]["author"],),
    ).fetchone()
    assert row is not None
    article = row[0]
    ids: list[int] = []
    act_as(owner, cast["ids"]["reader"], ["reader"])
    try:
        for pick in parents:
            parent = ids[pick % len(ids)] if ids and pick % 3 else None
            new = reply(owner, article, parent)
            if new is not None:
                ids.append(new)
    finally:
        reset(owner)
    depths = owner.execute(
        """with recursive chain (id, level) as (
             select id, 1 from publishing.comments where article_id = %s and parent_id is null
             union all
             select c.id, chain.level + 1
               from publishing.comments c join chain on c.parent_id = chain.id)
           select max(level) from chain""",
        (article,),
    ).fetchone()
    assert depths is not None
    assert depths[0] is None or depths[0] <= 5


def reply(conn: Conn, article: int, parent: int | None) -> int | None:
    """Insert a reply; None when refused for depth (anything else fails the test)."""
    try:
        row = conn.execute(
            "insert into publishing.comments (article_id, parent_id, body)"
            " values (%s, %s, 'r') returning id",
            (article, parent),
        ).fetchone()
    except psycopg.Error as exc:  # SQLSTATE PGRST: a platform error
        if "publishing.comment_too_deep" in str(exc):
            return None
        raise
    assert row is not None
    return int(row[0])


texts = st.text(alphabet="abcdefghij ", min_size=1, max_size=30).filter(lambda s: s.strip() != "")


@relaxed
@given(edits=st.lists(st.tuples(texts, st.one_of(st.none(), texts), texts), min_size=1, max_size=6))
def test_every_update_is_recoverable_from_revisions(
    owner: Conn, cast: dict[str, Any], edits: list[tuple[str, str | None, str]]
) -> None:
    act_as(owner, cast["ids"]["author"], ["author", "reader"])
    try:
        row = owner.execute(
            "insert into publishing.articles (title, content)"
            " values ('start', 'start') returning id, excerpt"
        ).fetchone()
        assert row is not None
        article = row[0]
        history: list[tuple[str, str | None, str]] = [("start", None, "start")]
        for title, excerpt, content in edits:
            owner.execute(
                "update publishing.articles"
                " set title = %s, excerpt = %s, content = %s where id = %s",
                (title, excerpt, content, article),
            )
            if (title, excerpt, content) != history[-1]:
                history.append((title, excerpt, content))
        stored = owner.execute(
            """select title, excerpt, content from publishing.article_revisions
                where article_id = %s order by version""",
            (article,),
        ).fetchall()
        current = owner.execute(
            "select title, excerpt, content from publishing.articles where id = %s", (article,)
        ).fetchone()
    finally:
        reset(owner)
    assert [tuple(r) for r in stored] + [tuple(current or ())] == history
