"""Properties of the publishing module, checked with hypothesis against real components."""

from __future__ import annotations

import datetime as dt
import functools
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
        # "scheduled": in review with a publish time ahead (what schedule_article makes)
        "status": st.sampled_from(["draft", "in_review", "scheduled", "published", "archived"]),
        "deleted": st.booleans(),
        "offset_hours": st.integers(min_value=-500, max_value=500),
        "by": st.sampled_from(["author", "reader"]),
        "tagged": st.booleans(),
        # (moderation state, soft-deleted, written by)
        "comments": st.lists(
            st.tuples(
                st.sampled_from(["pending", "approved", "flagged", "removed"]),
                st.booleans(),
                st.sampled_from(["reader", "author"]),
            ),
            max_size=3,
        ),
    }
)


@pytest.fixture(scope="module")
def cast(postgrest: ApiServer) -> dict[str, Any]:
    """An author, a plain reader, another plain reader who writes nothing, their ids."""
    author = create_user(postgrest.db_url, ["author"], "propauthor")
    reader = create_user(postgrest.db_url, [], "propreader")
    other = create_user(postgrest.db_url, [], "propother")
    emails = {"author": author, "reader": reader, "other": other}
    with psycopg.connect(postgrest.db_url) as conn:
        ids: dict[str, Any] = dict(
            conn.execute(
                "select email::text, id from auth.users where email = any (%s::text[])",
                (list(emails.values()),),
            ).fetchall()
        )
    return {**emails, "ids": {who: ids[email] for who, email in emails.items()}}


def insert_articles(
    db_url: str, cast: dict[str, Any], states: list[dict[str, Any]]
) -> tuple[str, list[int], list[list[int]]]:
    """Insert articles in the given states as the owner, with their comments, a tag when
    ``tagged`` and, on the reader's articles, the author as co-author. Returns the batch's
    tag, the articles' ids and each article's comment ids, in the order of ``states``."""
    tag = uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.UTC)
    article_ids: list[int] = []
    comment_ids: list[list[int]] = []
    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute(
            "insert into publishing.tags (name, slug) values (%s, %s) returning id",
            (f"prop {tag}", f"prop-{tag}"),
        ).fetchone()
        assert row is not None
        tag_id = row[0]
        for n, state in enumerate(states):
            published_at = now + dt.timedelta(hours=state["offset_hours"])
            status = "in_review" if state["status"] == "scheduled" else state["status"]
            publish_at = now + dt.timedelta(hours=abs(state["offset_hours"]) + 1)
            row = conn.execute(
                """insert into publishing.articles
                          (title, content, status, published_at, publish_at, author_id,
                           deleted_at)
                   values (%s, 'body', %s, %s, %s, %s, %s) returning id""",
                (
                    f"prop {tag} {n}",
                    status,
                    published_at if status in ("published", "archived") else None,
                    publish_at if state["status"] == "scheduled" else None,
                    cast["ids"][state["by"]],
                    now if state["deleted"] else None,
                ),
            ).fetchone()
            assert row is not None
            article_ids.append(row[0])
            if state["tagged"]:
                conn.execute(
                    "insert into publishing.article_tags (article_id, tag_id) values (%s, %s)",
                    (row[0], tag_id),
                )
            if state["by"] == "reader":
                conn.execute(
                    "insert into publishing.article_authors (article_id, user_id) values (%s, %s)",
                    (row[0], cast["ids"]["author"]),
                )
            comment_ids.append([])
            for status, deleted, by in state["comments"]:
                comment = conn.execute(
                    """insert into publishing.comments
                              (article_id, author_id, body, status, deleted_at)
                       values (%s, %s, 'c', %s, %s) returning id""",
                    (row[0], cast["ids"][by], status, now if deleted else None),
                ).fetchone()
                assert comment is not None
                comment_ids[-1].append(comment[0])
    return tag, article_ids, comment_ids


def visible(state: dict[str, Any]) -> bool:
    return state["status"] == "published" and not state["deleted"] and state["offset_hours"] <= 0


def readable(state: dict[str, Any], viewer: str) -> bool:
    """The article is the viewer's to read: visible to all, or the viewer wrote it."""
    return visible(state) or state["by"] == viewer


def comment_seen(state: dict[str, Any], comment: tuple[str, bool, str], viewer: str) -> bool:
    """Approved, undeleted comments of articles the viewer reads; and the viewer's own."""
    status, deleted, by = comment
    return by == viewer or (status == "approved" and not deleted and readable(state, viewer))


def fetch(
    api: httpx.Client, headers: dict[str, str], path: str, **params: str
) -> list[dict[str, Any]]:
    response = api.get(path, headers=headers, params=params)
    assert response.status_code == 200, (path, response.text)
    rows: list[dict[str, Any]] = response.json()
    return rows


def in_list(ids: list[int]) -> str:
    return f"in.({','.join(map(str, ids))})"


def tree_ids(nodes: list[dict[str, Any]]) -> set[int]:
    return {n["id"] for n in nodes} | {i for n in nodes for i in tree_ids(n["replies"])}


@relaxed
@given(states=st.lists(article_states, min_size=1, max_size=6))
def test_others_never_see_unpublished_articles_or_unapproved_comments(
    postgrest: ApiServer, cast: dict[str, Any], states: list[dict[str, Any]]
) -> None:
    """Anonymous callers, a reader who wrote nothing, and a reader who wrote comments and
    articles (but is no author, co-author of nothing else, no editor, no moderator): each
    endpoint that shows articles, comments, tags or co-authors shows exactly what the
    rules allow: articles visible to all or written by the caller; approved, undeleted
    comments of those; the caller's own comments; their tags and co-authors."""
    tag, article_ids, comment_ids = insert_articles(postgrest.db_url, cast, states)
    by_id = dict(zip(article_ids, states, strict=True))
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        callers = {
            "anonymous": PUBLISHING,
            "other": login(api, cast["other"]),
            "reader": login(api, cast["reader"]),
        }
        for who, headers in callers.items():
            articles = {a for a, s in by_id.items() if readable(s, who)}
            comments = {
                c
                for a, s, cs in zip(article_ids, states, comment_ids, strict=True)
                for c, comment in zip(cs, s["comments"], strict=True)
                if comment_seen(s, comment, who)
            }
            get = functools.partial(fetch, api, headers)
            rows = get(
                "/articles",
                title=f"like.prop {tag} *",
                select="id,comments(id),tags(slug),article_authors(user_id),comment_tree",
            )
            assert {r["id"] for r in rows} == articles, (who, "articles")
            for r in rows:
                embedded = {c["id"] for c in r["comments"]}
                assert embedded == comments & set(comment_ids[article_ids.index(r["id"])]), (
                    who,
                    "embedded comments",
                )
                tree = tree_ids(r["comment_tree"])
                undeleted = {
                    c
                    for c, (_, deleted, _) in zip(
                        comment_ids[article_ids.index(r["id"])],
                        by_id[r["id"]]["comments"],
                        strict=True,
                    )
                    if not deleted
                }
                assert tree == embedded & undeleted, (who, "comment_tree")
                assert len(r["tags"]) == by_id[r["id"]]["tagged"], (who, "embedded tags")
            cards = get("/article_cards", title=f"like.prop {tag} *", select="id,author")
            assert {r["id"] for r in cards} == articles, (who, "article_cards")
            assert all(r["author"]["username"] for r in cards)
            direct = get("/comments", article_id=in_list(article_ids), select="id")
            assert {r["id"] for r in direct} == comments, (who, "/comments")
            tagged = get("/article_tags", article_id=in_list(article_ids), select="article_id")
            assert {r["article_id"] for r in tagged} == {
                a for a in articles if by_id[a]["tagged"]
            }, (who, "/article_tags")
            coauthored = get(
                "/article_authors", article_id=in_list(article_ids), select="article_id"
            )
            assert {r["article_id"] for r in coauthored} == {
                a for a in articles if by_id[a]["by"] == "reader"
            }, (who, "/article_authors")


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
    rows=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # published_at: minutes after base (ties)
            st.sampled_from(["visible", "draft", "deleted", "future", "archived"]),
        ),
        min_size=1,
        max_size=25,
    ),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_keyset_paging_returns_each_visible_article_exactly_once(
    postgrest: ApiServer, owner: Conn, cast: dict[str, Any], rows: list[tuple[int, str]],
    page_size: int,
) -> None:  # fmt: skip
    """The list as README pages it through PostgREST (``/article_cards``, ordered by
    published_at desc nulls last, id desc; the next page by the last row's keyset), with
    hidden articles among the visible ones and many ties: every visible article exactly
    once, nothing hidden, and page 1's exact count is the number of visible articles."""
    tag = uuid.uuid4().hex[:12]
    base = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    expected: set[int] = set()
    for n, (minute, kind) in enumerate(rows):
        row = owner.execute(
            """insert into publishing.articles
                      (title, status, published_at, author_id, deleted_at)
               values (%s, %s, %s, %s, %s) returning id""",
            (
                f"page {tag} {n}",
                {"draft": "draft", "archived": "archived"}.get(kind, "published"),
                None if kind == "draft" else future if kind == "future"
                else base + dt.timedelta(minutes=minute),
                cast["ids"]["author"],
                base if kind == "deleted" else None,
            ),
        ).fetchone()  # fmt: skip
        assert row is not None
        if kind == "visible":
            expected.add(row[0])
    seen: list[int] = []
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        params = {
            "select": "id,published_at",
            "title": f"like.page {tag} *",
            "order": "published_at.desc.nullslast,id.desc",
            "limit": str(page_size),
        }
        first = api.get("/article_cards", headers={**PUBLISHING, "Prefer": "count=exact"},
                        params=params)  # fmt: skip
        assert first.status_code in (200, 206), first.text
        assert first.headers["Content-Range"].endswith(f"/{len(expected)}")
        page = first.json()
        for _ in range(len(rows) + 1):  # a page repeated forever is a failure, not a hang
            if not page:
                break
            seen += [r["id"] for r in page]
            at, last = page[-1]["published_at"], page[-1]["id"]
            page = fetch(
                api,
                PUBLISHING,
                "/article_cards",
                **params,
                published_at=f"lte.{at}",
                **{"or": f"(published_at.lt.{at},and(published_at.eq.{at},id.lt.{last}))"},
            )
    assert len(seen) == len(set(seen)), "no article twice"
    assert set(seen) == expected, "every visible article, nothing else"


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
