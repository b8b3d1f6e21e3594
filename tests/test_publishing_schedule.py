"""A scheduled article becomes visible at its time with nobody asking (the gateway's jobs)."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import psycopg

from tests.fix_postgrest import API_DB, ApiServer
from tests.gateway_process import gateway
from tests.publishing_client import PUBLISHING, create_user, json_of, login


def test_a_scheduled_article_is_published_by_the_job_and_announced(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    editor = login(api, create_user(postgrest.db_url, ["editor"], "scheduler"))
    article = json_of(
        api.post(
            "/articles",
            headers={**editor, "Prefer": "return=representation"},
            json={"title": "Embargoed until soon", "content": "news"},
        )
    )[0]
    publish_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    json_of(
        api.post(
            "/rpc/schedule_article",
            headers=editor,
            json={"article_id": article["id"], "publish_at": publish_at.isoformat()},
        )
    )
    query = {"id": f"eq.{article['id']}", "select": "id,status,published_at"}
    assert api.get("/articles", headers=PUBLISHING, params=query).json() == []

    with gateway(API_DB, extra_env={"PLATFORM_SCHEDULER_TICK": "1"}):
        deadline = time.monotonic() + 20
        rows: list[dict[str, object]] = []
        while time.monotonic() < deadline and not rows:
            time.sleep(0.5)
            rows = api.get("/articles", headers=PUBLISHING, params=query).json()
    assert rows, "the article was not published by the scheduled job"
    assert rows[0]["status"] == "published"
    published_at = dt.datetime.fromisoformat(str(rows[0]["published_at"]))
    assert abs((published_at - publish_at).total_seconds()) < 0.01, (
        "published at its scheduled time"
    )

    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        conn.execute("select events.sequence_pending()")  # in case the gateway stopped first
        event = conn.execute(
            "select audience from events.outbox where topic = %s and type = 'article.published'",
            (f"publishing:article:{article['id']}",),
        ).fetchone()
    assert event == ({"public": True},)
