"""Properties of POST /rpc/search_articles, checked with hypothesis.

On a seeded corpus (`ops.seed`, in a cloned database) plus articles that must never be
found (drafts, deleted, scheduled, published with a future time), for random queries in
web-search syntax run as an anonymous caller and as a signed-in reader exactly as
PostgREST runs them:

* every full-text hit contains the query's words (stemmed) in its title, excerpt or
  content, and none of its excluded words; checked on the article's text, not through
  the ``search`` column or the indexes;
* every hit is visible (published, not deleted, publish time passed);
* the ranks never increase down the list, and no article comes twice;
* when few articles match, all of them are found.
The HTTP contract (GET and POST, 422 with the code) is checked through the real PostgREST.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from ops.seed import SeedOptions, seed
from tests.fix_cluster import SERVER
from tests.fix_postgrest import ApiServer

Conn = psycopg.Connection[Any]

VISIBLE = "a.status = 'published' and a.deleted_at is null and a.published_at <= now()"
HIDDEN_TEXT = "zebrafish data performance team network"  # common words, on hidden articles
PROFILE = {"Accept-Profile": "publishing"}


@pytest.fixture(scope="module")
def corpus(platform_template: Any) -> Iterator[tuple[Conn, list[str], str]]:
    """A seeded clone: (owner connection, words of titles, a reader's id)."""
    name = f"search_props_{uuid.uuid4().hex[:8]}"
    admin = SERVER.url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(platform_template.template_dbname)
            )
        )
    url = SERVER.url(name)
    try:
        seed(url, SeedOptions(articles=400, users=12, comments_per_article=0, seed=11), print)
        with psycopg.connect(url, autocommit=True) as conn:
            author = conn.execute("select user_id from publishing.profiles limit 1").fetchone()
            assert author is not None
            for status, when, deleted in (
                ("draft", None, False),
                ("in_review", None, False),
                ("published", "2 days", False),
                ("published", "-2 days", True),
                ("archived", "-2 days", False),
            ):
                conn.execute(
                    """insert into publishing.articles
                         (title, excerpt, content, status, published_at, author_id, deleted_at)
                       values (%s, %s, %s, %s, now() + %s::interval, %s,
                               case when %s then now() end)""",
                    (
                        f"Hidden {HIDDEN_TEXT}",
                        HIDDEN_TEXT,
                        HIDDEN_TEXT,
                        status,
                        when,
                        author[0],
                        deleted,
                    ),
                )
            words = [
                str(r[0])
                for r in conn.execute(
                    """select w from (select distinct unnest(tsvector_to_array(
                                        to_tsvector('simple', title))) w
                                        from publishing.articles) x
                        where length(w) >= 4 and w !~ '[0-9]' order by w"""
                ).fetchall()
            ]
            reader = conn.execute(
                "select auth.create_user('props-reader@example.test', 'correct horse battery',"
                " 'props_reader')::text"
            ).fetchone()
            assert reader is not None
            yield conn, words, str(reader[0])
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def search_as(conn: Conn, who: str, reader_id: str, q: str, lim: int = 20) -> list[dict[str, Any]]:
    claims = (
        {"role": "anon"}
        if who == "anon"
        else {"role": "authenticated", "sub": reader_id, "privileges": ["reader"]}
    )
    with conn.transaction():
        conn.execute(
            "select set_config('request.jwt.claims', %s, true), set_config('role', %s, true)",
            (json.dumps(claims), claims["role"]),
        )
        rows = conn.execute(
            "select id, rank, match, suggested_q from publishing.search_articles(%s, lim => %s)",
            (q, lim),
        ).fetchall()
    return [{"id": r[0], "rank": r[1], "match": r[2], "suggested_q": r[3]} for r in rows]


def stems(conn: Conn, word: str) -> set[str]:
    row = conn.execute("select tsvector_to_array(to_tsvector('english', %s))", (word,)).fetchone()
    return set(row[0]) if row and row[0] else set()


def text_lexemes(conn: Conn, ids: list[int]) -> dict[int, set[str]]:
    rows = conn.execute(
        """select id, tsvector_to_array(to_tsvector('english',
                    title || ' ' || coalesce(excerpt, '') || ' ' || content))
             from publishing.articles where id = any (%s)""",
        (ids,),
    ).fetchall()
    return {int(r[0]): set(r[1]) for r in rows}


queries = st.data()
slow = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@slow
@given(data=queries, form=st.sampled_from(["one", "and", "or", "not", "phrase", "typo"]))
def test_hits_contain_the_words_and_are_visible(
    corpus: tuple[Conn, list[str], str], data: st.DataObject, form: str
) -> None:
    conn, words, reader_id = corpus
    pick = st.sampled_from(words)
    w1, w2 = data.draw(pick), data.draw(pick)
    q = {
        "one": w1,
        "and": f"{w1} {w2}",
        "or": f"{w1} or {w2}",
        "not": f"{w1} -{w2}",
        "phrase": f'"{w1} {w2}"',
        "typo": w1[:2] + w1[3:] if len(w1) > 5 else w1,
    }[form]
    visible = {
        int(r[0])
        for r in conn.execute(f"select a.id from publishing.articles a where {VISIBLE}").fetchall()
    }
    for who in ("anon", "reader"):
        hits = search_as(conn, who, reader_id, q)
        ids = [h["id"] for h in hits]
        assert len(ids) == len(set(ids)), f"{q!r}: an article came twice"
        assert set(ids) <= visible, f"{q!r} as {who}: invisible articles {set(ids) - visible}"
        ranks = [h["rank"] for h in hits]
        assert ranks == sorted(ranks, reverse=True), f"{q!r}: ranks increase down the list"
        fulltext = [h["id"] for h in hits if h["match"] == "fulltext"]
        lexemes = text_lexemes(conn, fulltext)
        first, second = stems(conn, w1), stems(conn, w2)
        for article in fulltext:
            found = lexemes[article]
            if form in ("one", "typo"):
                assert first <= found, f"{q!r}: article {article} lacks {first}"
            elif form in ("and", "phrase"):
                assert first | second <= found, f"{q!r}: article {article} lacks a word"
            elif form == "or":
                assert first <= found or second <= found, f"{q!r}: article {article} has neither"
            elif form == "not" and second != first:
                assert first <= found, f"{q!r}: article {article} lacks {first}"
                assert not second & found, f"{q!r}: article {article} has the excluded {second}"
        for hit in hits:
            if hit["match"] == "suggestion":
                assert fulltext == [], "suggestions only when full text finds nothing"
                assert hit["suggested_q"], "a suggestion says what it searched for"


@slow
@given(data=queries)
def test_few_matches_are_all_found(
    corpus: tuple[Conn, list[str], str], data: st.DataObject
) -> None:
    conn, words, reader_id = corpus
    word = data.draw(st.sampled_from(words))
    row = conn.execute(
        f"""select array_agg(a.id) from publishing.articles a
             where a.search @@ websearch_to_tsquery('english', %s) and {VISIBLE}""",
        (word,),
    ).fetchone()
    expected = set(row[0] or []) if row else set()
    if not 0 < len(expected) <= 20:
        return
    hits = search_as(conn, "anon", reader_id, word)
    assert {h["id"] for h in hits if h["match"] == "fulltext"} == expected


def test_the_http_contract(postgrest: ApiServer) -> None:
    with httpx.Client(base_url=postgrest.url, timeout=10, headers=PROFILE) as api:
        assert api.get("/rpc/search_articles", params={"q": "anything"}).status_code == 200
        posted = api.post(
            "/rpc/search_articles",
            json={"q": "anything", "lim": 5},
            headers={"Content-Profile": "publishing"},
        )
        assert posted.status_code == 200, posted.text
        assert isinstance(posted.json(), list)
        bad = api.post(
            "/rpc/search_articles", json={"q": " "}, headers={"Content-Profile": "publishing"}
        )
        assert bad.status_code == 422
        assert bad.json()["code"] == "publishing.invalid_search"
        assert "q must not be empty" in bad.json()["message"]
        too_many = api.get("/rpc/search_articles", params={"q": "x", "lim": "500"})
        assert too_many.status_code == 422
        assert "lim" in too_many.json()["message"]
