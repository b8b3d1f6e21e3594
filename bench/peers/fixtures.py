"""What every system is asked for: the article, the words, the signed-in users, read
from the bench database once; tokens signed by our own /rpc/login (every peer verifies
the same JWTs)."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import httpx
import psycopg

from bench.peers import Fixtures
from bench.publishing_data import pick_terms, reader
from bench.publishing_queries import READER_EMAIL, READER_PASSWORD, VISIBLE
from ops.seed import DEMO_PASSWORD


def read(conn: psycopg.Connection[Any], seed_value: int) -> Fixtures:
    """The fixtures, tokens left empty (see :func:`signed_in`)."""
    article = conn.execute(
        f"select a.id, a.slug from publishing.articles a where {VISIBLE}"
        " order by a.comment_count desc, a.id limit 1"
    ).fetchone()
    if article is None:
        raise SystemExit("the bench database holds no visible article: seed it again")
    author = conn.execute(
        """select a.author_id::text, u.email
             from publishing.articles a join auth.users u on u.id = a.author_id
            where a.status = 'draft' and a.deleted_at is null
            group by a.author_id, u.email
            order by count(*) desc, a.author_id
            limit 1"""
    ).fetchone()
    if author is None:
        raise SystemExit("the bench database holds no draft: seed it again")
    random.seed(seed_value)
    common, rare = pick_terms(conn, seed_value)
    if not common or not rare:
        raise SystemExit("no common or rare search word found in the bench database")
    return Fixtures(
        slug=str(article[1]),
        article_id=int(article[0]),
        common=common[0][0],
        rare=rare[0],
        author_id=str(author[0]),
        author_token="",
        reader_id=reader(conn),
        reader_token="",
        author_email=str(author[1]),
    )


def signed_in(fx: Fixtures, api_url: str) -> Fixtures:
    """``fx`` with fresh access tokens for its author and reader (our login)."""
    with httpx.Client(base_url=api_url, timeout=30) as api:

        def login(email: str, password: str) -> str:
            response = api.post("/rpc/login", json={"email": email, "password": password})
            if response.status_code != 200:
                raise SystemExit(f"login of {email} failed: {response.status_code} {response.text}")
            return str(response.json()["access_token"])

        return replace(
            fx,
            author_token=login(fx.author_email, DEMO_PASSWORD),
            reader_token=login(READER_EMAIL, READER_PASSWORD),
        )
