"""A withdrawn article is never shown again, and those who saw it are told (issue 19,
finding 1). Real PostgREST for every change, real WebSocket clients of the real gateway.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fix_postgrest import API_DB, ApiServer
from tests.gateway_process import Client, GatewayProcess, Message, events, gateway
from tests.publishing_client import PUBLISHING, create_user, json_of, login


@pytest.fixture(scope="module")
def gw(postgrest: ApiServer) -> Iterator[GatewayProcess]:
    with gateway(API_DB) as running:
        yield running


def about(messages: list[Message], article_id: int) -> list[Message]:
    return [m for m in events(messages) if m["data"]["record"]["id"] == article_id]


def test_an_archived_article_is_withdrawn_live_and_never_replayed(
    postgrest: ApiServer, api: httpx.Client, gw: GatewayProcess
) -> None:
    author = login(api, create_user(postgrest.db_url, ["author"], prefix="author"))
    editor = login(api, create_user(postgrest.db_url, ["editor"], prefix="editor"))
    tag = uuid.uuid4().hex
    title, content = f"Withdrawn {tag[:8]}", f"secret body {tag}"

    with Client.open(gw.realtime_url) as live:
        live.subscribe("publishing:articles")
        article = json_of(
            api.post(
                "/articles",
                headers={**author, "Prefer": "return=representation"},
                json={"title": title, "content": content},
            )
        )[0]
        article_id = int(article["id"])
        json_of(api.post("/rpc/publish_article", headers=editor, json={"article_id": article_id}))
        published = live.until(lambda m: m["op"] == "event" and m["type"] == "article.published")
        assert published[-1]["data"]["record"]["title"] == title, "the public saw it published"

        json_of(api.post("/rpc/archive_article", headers=editor, json={"article_id": article_id}))
        notice = live.until(lambda m: m["op"] == "event" and m["type"] == "article.withdrawn")[-1]
        assert notice["data"] == {
            "table": "publishing.articles",
            "op": "withdraw",
            "record": {"id": article_id},
        }, "an anonymous reader who saw it is told it was withdrawn, and given only its id"

    anonymous = api.get("/articles", headers=PUBLISHING, params={"id": f"eq.{article_id}"})
    assert anonymous.json() == [], "PostgREST no longer shows it to anonymous readers"

    with Client.open(gw.realtime_url) as resuming:
        resuming.subscribe("publishing:articles", since=0)
        replayed = resuming.until(
            lambda m: m["op"] == "event" and m["type"] == "article.withdrawn"
            and m["data"]["record"]["id"] == article_id
        )  # fmt: skip
        replayed += resuming.quiet(0.5)
    text = json.dumps(replayed)
    assert title not in text, "a replay shows nothing of it: not its title"
    assert content not in text, "nor its content"
    assert [m["type"] for m in about(replayed, article_id)] == ["article.withdrawn"], (
        "an anonymous replay from 0 carries only the withdrawal"
    )

    token = author["Authorization"].removeprefix("Bearer ")
    with Client.open(gw.realtime_url, token) as owner:
        owner.subscribe(f"publishing:article:{article_id}", since=0)
        history = owner.until(lambda m: m["op"] == "event" and m["type"] == "article.withdrawn")
    assert [m["type"] for m in about(history, article_id)] == [
        "article.created",
        "article.published",
        "article.archived",
        "article.withdrawn",
    ], "its author, who may still read it, is replayed its whole history"
