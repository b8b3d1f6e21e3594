"""Realtime for the publishing module: topics authorized by SQL as the caller, and the
property that a connection receives exactly the events of rows its user may read
through PostgREST at that moment.

Every change below is made through PostgREST by the user making it, as the frontend
does; clients are real WebSocket connections to the real gateway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fix_postgrest import API_DB, ApiServer
from tests.gateway_process import Client, GatewayProcess, Message, gateway
from tests.publishing_client import PUBLISHING, create_user, json_of, login

# A public barrier: once a client receives mark N, it has received every earlier event.
MARKS = """
create table if not exists public.realtime_marks (
  id bigint generated always as identity primary key
);
alter table public.realtime_marks enable row level security;
create or replace function public.describe_mark(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$ select '{"type": "mark", "audience": {"public": true}}'::jsonb $$;
select events.enable('public.realtime_marks', array['tests:marks'],
                     'public.describe_mark(text, jsonb, jsonb)');
select events.register_topic('tests:marks', 'publishing_private.may_follow_articles(text)',
                             'test barrier');
"""

ROLES = {
    "anonymous": None,
    "reader": ["reader"],
    "other_reader": ["reader"],
    "author": ["author"],
    "coauthor": ["author"],
    "editor": ["editor"],
    "moderator": ["moderator"],
}


@dataclass
class Person:
    name: str
    headers: dict[str, str]
    token: str | None
    user_id: str | None
    client: Client | None = None
    seen: list[Message] = field(default_factory=list)


@dataclass
class World:
    api: httpx.Client
    db_url: str
    gw: GatewayProcess
    people: dict[str, Person]

    def mark(self) -> int:
        """Insert a barrier and wait until every client has it; returns its event id."""
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            conn.execute("insert into public.realtime_marks default values")
        mark_id = -1
        for person in self.people.values():
            assert person.client is not None
            got = person.client.until(lambda m: m["op"] == "event" and m["topic"] == "tests:marks")
            person.seen += got[:-1]
            mark_id = int(got[-1]["id"])
        return mark_id

    def readable(self, person: Person, table: str, row_id: str) -> bool:
        resource = {"publishing.articles": "/articles", "publishing.comments": "/comments"}[table]
        response = self.api.get(
            resource, headers=person.headers, params={"id": f"eq.{row_id}", "select": "id"}
        )
        assert response.status_code == 200, response.text
        return len(response.json()) == 1


@pytest.fixture
def world(postgrest: ApiServer, api: httpx.Client) -> Iterator[World]:
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        conn.execute(MARKS)
    people: dict[str, Person] = {}
    for name, privileges in ROLES.items():
        if privileges is None:
            people[name] = Person(name, dict(PUBLISHING), None, None)
            continue
        headers = login(api, create_user(postgrest.db_url, privileges, prefix=name))
        token = headers["Authorization"].removeprefix("Bearer ")
        me = json_of(api.get("/rpc/me", headers={"Authorization": f"Bearer {token}"}))
        people[name] = Person(name, headers, token, str(me["id"]))
    with gateway(API_DB) as gw, contextlib.ExitStack() as stack:
        for person in people.values():
            person.client = stack.enter_context(Client.open(gw.realtime_url, person.token))
            person.client.subscribe("tests:marks")
            person.client.subscribe("publishing:articles")
        yield World(api, postgrest.db_url, gw, people)


def test_publishing_topics_are_authorized_by_the_articles_policies(world: World) -> None:
    p = world.people
    draft = json_of(
        world.api.post(
            "/articles",
            headers={**p["author"].headers, "Prefer": "return=representation"},
            json={"title": "Not yet", "content": "draft body"},
        )
    )[0]
    cases = [
        ("anonymous", "publishing:review", "forbidden"),
        ("reader", "publishing:review", "forbidden"),
        ("editor", "publishing:review", None),
        ("anonymous", f"publishing:article:{draft['id']}", "forbidden"),
        ("other_reader", f"publishing:article:{draft['id']}", "forbidden"),
        ("author", f"publishing:article:{draft['id']}", None),
        ("editor", f"publishing:article:{draft['id']}", None),
        ("anonymous", "publishing:article:999999999", "forbidden"),
        ("reader", f"user:{p['reader'].user_id}", None),
        ("reader", f"user:{p['author'].user_id}", "forbidden"),
        ("anonymous", f"user:{p['author'].user_id}", "forbidden"),
    ]
    for who, topic, code in cases:
        client = p[who].client
        assert client is not None
        client.send("subscribe", topic=topic)
        reply = client.until(lambda m: m["op"] in ("subscribed", "error"))[-1]
        if code is None:
            assert reply == {"op": "subscribed", "topic": topic}, f"{who} may follow {topic}"
        else:
            assert reply["code"] == code, f"{who} may not follow {topic}: {reply}"

    # The author's own topic carries the editor's publication of their article.
    author = p["author"].client
    assert author is not None
    author.subscribe(f"user:{p['author'].user_id}")
    json_of(
        world.api.post(
            "/rpc/publish_article", headers=p["editor"].headers, json={"article_id": draft["id"]}
        )
    )
    got = author.until(lambda m: m["op"] == "event" and m["topic"].startswith("user:"))
    assert got[-1]["type"] == "article.published"
    assert got[-1]["data"]["record"]["id"] == draft["id"]


ACTIONS = ("create", "edit", "submit", "publish", "schedule", "archive", "delete", "comment",
           "approve", "flag", "remove", "delete_comment", "add_coauthor")  # fmt: skip


@dataclass
class Example:
    world: World
    main: int  # a published article every client follows (publishing:article:<main>)
    articles: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)

    def act(self, action: str, who: str, pick: int) -> None:
        api, h = self.world.api, self.world.people[who].headers
        article = self.articles[pick % len(self.articles)]
        comment = self.comments[pick % len(self.comments)] if self.comments else None
        rep = {**h, "Prefer": "return=representation"}
        now = dt.datetime.now(dt.UTC).isoformat()
        response: httpx.Response | None = None
        if action == "create":
            title = f"T {uuid.uuid4().hex[:6]}"
            response = api.post("/articles", headers=rep, json={"title": title, "content": "x"})
            if response.status_code == 201:
                self.articles.append(int(response.json()[0]["id"]))
        elif action == "edit":
            response = api.patch("/articles", headers=h, params={"id": f"eq.{article}"},
                                 json={"title": f"Edited {uuid.uuid4().hex[:6]}"})  # fmt: skip
        elif action in ("submit", "publish", "archive"):
            rpc = {"submit": "submit_for_review", "publish": "publish_article",
                   "archive": "archive_article"}[action]  # fmt: skip
            response = api.post(f"/rpc/{rpc}", headers=h, json={"article_id": article})
        elif action == "schedule":
            later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
            response = api.post("/rpc/schedule_article", headers=h,
                                json={"article_id": article, "publish_at": later})  # fmt: skip
        elif action == "delete":
            response = api.patch("/articles", headers=h, params={"id": f"eq.{article}"},
                                 json={"deleted_at": now})  # fmt: skip
        elif action == "add_coauthor":
            coauthor = self.world.people["coauthor"].user_id
            response = api.post("/article_authors", headers=h,
                                json={"article_id": article, "user_id": coauthor})  # fmt: skip
        elif action == "comment":
            response = api.post("/comments", headers=rep,
                                json={"article_id": self.main, "body": "a comment"})  # fmt: skip
            if response.status_code == 201:
                self.comments.append(int(response.json()[0]["id"]))
        elif comment is not None and action in ("approve", "flag", "remove"):
            status = {"approve": "approved", "flag": "flagged", "remove": "removed"}[action]
            response = api.post("/rpc/moderate_comment", headers=h,
                                json={"comment_id": comment, "status": status})  # fmt: skip
        elif comment is not None and action == "delete_comment":
            response = api.patch("/comments", headers=h, params={"id": f"eq.{comment}"},
                                 json={"deleted_at": now})  # fmt: skip
        if response is not None:
            assert response.status_code < 500, response.text  # refusals are fine, crashes not


def outbox_events(db_url: str, after: int, before: int, topics: list[str]) -> list[Any]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        return conn.execute(
            "select seq, topic, payload ->> 'table', payload -> 'record' ->> 'id'"
            " from events.outbox where seq > %s and seq < %s and topic = any(%s)"
            # Withdrawal notices show no content; tests/test_realtime_withdrawn.py covers them.
            " and payload ->> 'op' is distinct from 'withdraw' order by seq",
            (after, before, topics),
        ).fetchall()


step = st.tuples(
    st.sampled_from(ACTIONS), st.sampled_from(list(ROLES)), st.integers(min_value=0, max_value=9)
)


def test_every_delivered_event_is_readable_and_every_readable_one_is_delivered(
    world: World,
) -> None:
    people = world.people

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, min_size=1, max_size=6))
    def run(steps: list[tuple[str, str, int]]) -> None:
        api = world.api
        created = json_of(
            api.post(
                "/articles",
                headers={**people["author"].headers, "Prefer": "return=representation"},
                json={"title": "Main", "content": "followed by everyone"},
            )
        )[0]
        json_of(
            api.post(
                "/rpc/publish_article",
                headers=people["editor"].headers,
                json={"article_id": created["id"]},
            )
        )
        main_topic = f"publishing:article:{created['id']}"
        for person in people.values():
            assert person.client is not None
            person.client.subscribe(main_topic)
        example = Example(world, int(created["id"]), articles=[int(created["id"])])
        previous = world.mark()
        try:
            for action, who, pick in steps:
                for person in people.values():
                    person.seen = []
                example.act(action, who, pick)
                mark = world.mark()
                rows = outbox_events(
                    world.db_url, previous, mark, ["publishing:articles", main_topic]
                )
                last_per_row = {(topic, table, row): seq for seq, topic, table, row in rows}
                for (_topic, table, row), seq in last_per_row.items():
                    for person in people.values():
                        delivered = any(m["id"] == seq for m in person.seen)
                        readable = world.readable(person, table, row)
                        assert delivered == readable, (
                            f"after {action} by {who}: event {seq} ({table} {row}) "
                            f"{'reached' if delivered else 'did not reach'} {person.name}, "
                            f"who {'can' if readable else 'cannot'} read it through PostgREST"
                        )
                for person in people.values():
                    assert all(m["id"] > previous for m in person.seen), "nothing arrives twice"
                previous = mark
        finally:
            for person in people.values():
                assert person.client is not None
                person.client.send("unsubscribe", topic=main_topic)
                person.client.expect("unsubscribed")

    run()
