"""Security findings 2, 3, 5, 7 and 10 of issue 19, through the real PostgREST.

Each test is what an attacker tried against ``make up``; each failed before its fix.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import httpx
import psycopg

from tests.fix_postgrest import ApiServer
from tests.publishing_client import PASSWORD, PUBLISHING, create_user, json_of, login

RETURN = {"Prefer": "return=representation"}


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


# Finding 3: a taken slug neither reveals a hidden draft nor breaks the insert.


def test_a_title_like_a_hidden_draft_gets_the_next_free_slug(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    first = login(api, create_user(postgrest.db_url, ["author"], "first"))
    second = login(api, create_user(postgrest.db_url, ["author"], "second"))
    title = f"Quarterly plans {uuid.uuid4().hex[:8]}"
    draft = json_of(
        api.post("/articles", headers={**first, **RETURN}, json={"title": title, "content": "x"})
    )[0]
    hidden = api.get("/articles", headers=second, params={"id": f"eq.{draft['id']}"})
    assert hidden.json() == [], "the second author cannot see the draft"

    created = api.post("/articles", headers={**second, **RETURN}, json={"title": title})
    assert created.status_code == 201, created.text
    assert created.json()[0]["slug"] == f"{draft['slug']}-2"


def test_two_inserts_of_one_title_at_once_both_succeed(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    authors = [login(api, create_user(postgrest.db_url, ["author"], "racer")) for _ in range(4)]
    title = f"Race {uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(len(authors))
    statuses: list[int] = []

    def insert(headers: dict[str, str]) -> None:
        with httpx.Client(base_url=postgrest.url, timeout=10) as client:
            barrier.wait()
            statuses.append(
                client.post("/articles", headers=headers, json={"title": title}).status_code
            )

    threads = [threading.Thread(target=insert, args=(a,)) for a in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(authors)
    with psycopg.connect(postgrest.db_url) as conn:
        slugs = conn.execute(
            "select array_agg(slug order by id) from publishing.articles where title = %s", (title,)
        ).fetchone()
    assert slugs is not None
    assert len(set(slugs[0])) == len(authors), slugs


# Finding 2: suggestions come only from what the caller may see.


def test_search_suggests_no_word_of_a_draft_title(api: httpx.Client, postgrest: ApiServer) -> None:
    author = login(api, create_user(postgrest.db_url, ["author"], "secret"))
    editor = login(api, create_user(postgrest.db_url, ["editor"], "editor"))
    word = "zanzibarian"
    json_of(api.post("/articles", headers=author, json={"title": f"The {word} deal"}))
    public = json_of(
        api.post(
            "/articles",
            headers={**editor, **RETURN},
            json={"title": "Spice markets", "content": f"Cloves, and {word} pepper."},
        )
    )[0]
    json_of(api.post("/rpc/publish_article", headers=editor, json={"article_id": public["id"]}))

    answer = api.get("/rpc/search_articles", headers=PUBLISHING, params={"q": "zanzibarien"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == [], "a draft's title word must not be suggested"


# Finding 5: PATCH and DELETE need a filter.


def test_unfiltered_patch_and_delete_are_refused(api: httpx.Client, postgrest: ApiServer) -> None:
    editor = login(api, create_user(postgrest.db_url, ["editor"], "editor"))
    article = json_of(
        api.post("/articles", headers={**editor, **RETURN}, json={"title": "Filter me"})
    )[0]
    tag = json_of(
        api.post(
            "/tags",
            headers={**editor, **RETURN},
            json={"name": "Guarded", "slug": f"guarded-{uuid.uuid4().hex[:8]}"},
        )
    )[0]

    for response in (
        api.patch("/articles", headers=editor, json={"excerpt": "every article"}),
        api.patch(
            "/articles", headers=editor, params={"limit": "1", "order": "id"}, json={"excerpt": "x"}
        ),
        api.delete("/tags", headers=editor),
    ):
        body = _error(response, 400, "platform.filter_required")
        assert "filter" in body["message"]

    with psycopg.connect(postgrest.db_url) as conn:
        touched = conn.execute(
            "select count(*) from publishing.articles where excerpt in ('every article', 'x')"
        ).fetchone()
        tags = conn.execute(
            "select count(*) from publishing.tags where id = %s", (tag["id"],)
        ).fetchone()
    assert touched == (0,), "nothing was changed"
    assert tags == (1,), "nothing was deleted"

    patched = api.patch(
        "/articles",
        headers={**editor, **RETURN},
        params={"id": f"eq.{article['id']}"},
        json={"excerpt": "just this one"},
    )
    assert json_of(patched)[0]["excerpt"] == "just this one"
    deleted = api.delete("/tags", headers=editor, params={"id": f"eq.{tag['id']}"})
    assert deleted.status_code == 204, deleted.text
    published = api.post("/rpc/publish_article", headers=editor, json={"article_id": article["id"]})
    assert json_of(published)["status"] == "published", "RPC calls are not affected"


# Finding 7: look-alike emails.


def test_look_alike_emails_are_taken_and_full_width_logs_in(api: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    email = f"alice-{tag}@example.test"
    registered = api.post(
        "/rpc/register", json={"email": email, "password": PASSWORD, "username": f"alice_{tag}"}
    )
    assert registered.status_code == 200, registered.text

    cyrillic = email.replace("a", "\u0430", 1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in email)
    for look_alike in (cyrillic, full_width):
        response = api.post(
            "/rpc/register",
            json={
                "email": look_alike,
                "password": PASSWORD,
                "username": f"x{uuid.uuid4().hex[:8]}",
            },
        )
        body = _error(response, 409, "auth.email_taken")
        assert "email" in body["message"]

    same = api.post("/rpc/login", json={"email": full_width, "password": PASSWORD})
    assert same.status_code == 200, same.text
    assert same.json()["user"]["id"] == registered.json()["user"]["id"]
    other = api.post("/rpc/login", json={"email": cyrillic, "password": PASSWORD})
    _error(other, 401, "auth.invalid_credentials")


# Finding 10: lengths are checked first.


def test_oversized_auth_arguments_are_field_errors(api: httpx.Client) -> None:
    huge = "a" * 1_000_000
    for path, payload, code in (
        (
            "/rpc/login",
            {"email": huge + "@example.test", "password": PASSWORD},
            "auth.email_too_long",
        ),
        ("/rpc/login", {"email": "a@example.test", "password": huge}, "auth.password_too_long"),
        (
            "/rpc/register",
            {"email": "big@example.test", "password": PASSWORD, "username": huge},
            "auth.username_too_long",
        ),
        ("/rpc/refresh", {"refresh_token": huge}, "auth.refresh_token_too_long"),
    ):
        body = _error(api.post(path, json=payload), 422, code)
        assert code.removeprefix("auth.").removesuffix("_too_long") in body["message"]


# Finding 10: a statement timeout in search is 503, not 500.


def test_a_search_stopped_by_the_statement_timeout_answers_503(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    # Another transaction holds the articles table: the search waits until
    # anon's statement timeout (3 s) stops it.
    with psycopg.connect(postgrest.db_url) as blocker:
        blocker.execute("lock table publishing.articles in access exclusive mode")
        answer = api.get(
            "/rpc/search_articles", headers=PUBLISHING, params={"q": "anything"}, timeout=30
        )
        blocker.rollback()
    body = _error(answer, 503, "platform.timeout")
    assert "too long" in body["message"]
    assert json.loads(body["details"]) == {"retry_after": 5}
    # PostgREST 12.0.2 adds Retry-After: 0 to every 503 itself (the front door
    # sets the real value); the database must not add a second, conflicting one.
    assert answer.headers.get_list("Retry-After") == ["0"]
