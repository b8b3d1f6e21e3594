"""Helpers for talking to the publishing module through PostgREST, as a frontend does."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import psycopg

PASSWORD = "correct horse battery staple"
PUBLISHING = {"Accept-Profile": "publishing", "Content-Profile": "publishing"}


def create_user(db_url: str, privileges: list[str], prefix: str = "user") -> str:
    """An account with privileges (created as ops do); returns its email."""
    tag = uuid.uuid4().hex[:10]
    email = f"{prefix}-{tag}@example.test"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select auth.create_user(%s, %s, %s, %s)",
            (email, PASSWORD, f"{prefix}_{tag}", privileges),
        )
    return email


def login(api: httpx.Client, email: str) -> dict[str, str]:
    """Headers of a signed-in publishing client."""
    response = api.post("/rpc/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    token = response.json()["access_token"]
    return {**PUBLISHING, "Authorization": f"Bearer {token}"}


def json_of(response: httpx.Response) -> Any:
    assert response.status_code < 400, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def approved_comment(
    api: httpx.Client,
    author: dict[str, str],
    moderator: dict[str, str],
    article_id: int,
    body: str,
) -> dict[str, Any]:
    """A comment ``author`` posts on ``article_id`` and ``moderator`` approves."""
    comment = json_of(
        api.post(
            "/comments",
            headers={**author, "Prefer": "return=representation"},
            json={"article_id": article_id, "body": body},
        )
    )[0]
    json_of(
        api.post(
            "/rpc/moderate_comment",
            headers=moderator,
            json={"comment_id": comment["id"], "status": "approved"},
        )
    )
    return dict(comment)
