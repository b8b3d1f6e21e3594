"""The realtime gateway end to end: the real gateway process, real WebSocket clients, a
real database. A scratch table ``public.items`` publishes events whose audience each row
chooses, on topics ``items:all`` and ``items:item:<id>``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import jwt
import psycopg
import pytest
from websockets.exceptions import InvalidStatus

from gateway.tokens import LEEWAY_SECONDS
from tests.fix_cluster import SECRETS, SERVER, dbname_of
from tests.gateway_process import Client, Message, StuckClient, events, gateway

Conn = psycopg.Connection[tuple[object, ...]]
PASSWORD = "correct horse battery staple"

SETUP = """
create table public.items (
  id int primary key,
  body text not null default '',
  audience jsonb not null default '{"public": true}'
);
alter table public.items enable row level security;
create function public.describe_item(op text, new jsonb, old jsonb) returns jsonb
language sql immutable
as $$ select jsonb_build_object('type', 'item.' || op,
                                'audience', coalesce(new, old) -> 'audience') $$;
select events.enable('public.items', array['items:all', 'items:item:{id}'],
                     'public.describe_item(text, jsonb, jsonb)');
create function public.may_follow_items(arg text) returns boolean
language sql stable as $$ select true $$;
grant execute on function public.may_follow_items(text) to anon, authenticated;
select events.register_topic('items:all', 'public.may_follow_items(text)', 'test items');
select events.register_topic('items:item:*', 'public.may_follow_items(text)', 'one test item');
"""


@dataclass
class Db:
    name: str
    url: str

    def run(self, query: str, *params: object) -> list[tuple[object, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def insert(self, first: int, count: int = 1, audience: str = '{"public": true}') -> None:
        self.run(
            "insert into public.items (id, audience)"
            " select g, %s::jsonb from generate_series(%s::int, %s::int) g",
            audience,
            first,
            first + count - 1,
        )

    def user(self, privileges: list[str] | None = None) -> tuple[str, str]:
        """A new account: (user id, access token) from api.login, as a client gets them."""
        name = "u" + uuid.uuid4().hex[:10]
        email = f"{name}@example.test"
        (user_id,) = self.run(
            "select auth.create_user(%s, %s, %s, %s)::text", email, PASSWORD, name, privileges or []
        )[0]
        (body,) = self.run("select api.login(%s, %s)", email, PASSWORD)[0]
        assert isinstance(body, dict)
        return str(user_id), str(body["access_token"])


@pytest.fixture
def db(platform_db: Conn) -> Db:
    platform_db.execute(SETUP)
    platform_db.commit()
    name = dbname_of(platform_db)
    return Db(name, SERVER.url(name))


def item_ids(messages: list[Message], topic: str = "items:all") -> list[int]:
    return [int(m["data"]["record"]["id"]) for m in events(messages, topic)]


def until_item(item: int) -> Callable[[Message], bool]:
    def done(message: Message) -> bool:
        return bool(message["op"] == "event" and message["data"]["record"]["id"] == item)

    return done


# --- protocol ---------------------------------------------------------------------------


def test_bad_messages_get_stable_error_codes_and_the_connection_survives(db: Db) -> None:
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        cases = [
            ("not json", "invalid_message"),
            ("[1, 2]", "invalid_message"),
            ('{"topic": "items:all"}', "invalid_message"),
            ('{"op": "dance"}', "unknown_op"),
            ('{"op": "subscribe"}', "invalid_topic"),
            ('{"op": "subscribe", "topic": "no spaces allowed"}', "invalid_topic"),
            ('{"op": "subscribe", "topic": "nothing:here"}', "unknown_topic"),
            ('{"op": "subscribe", "topic": "items:all", "since": -1}', "invalid_since"),
            ('{"op": "subscribe", "topic": "items:all", "since": "7"}', "invalid_since"),
            ('{"op": "unsubscribe", "topic": "items:all"}', "not_subscribed"),
            (json.dumps({"op": "subscribe", "topic": f"user:{uuid.uuid4()}"}), "forbidden"),
            ('{"op": "auth", "token": "not-a-jwt"}', "invalid_token"),
        ]
        for raw, code in cases:
            client.ws.send(raw)
            reply = client.recv()
            assert reply["op"] == "error", raw
            assert reply["code"] == code, f"{raw} -> {reply}"
            assert reply["message"], "every error says what went wrong"
        client.subscribe("items:all")
        db.insert(1)
        assert item_ids(client.until(until_item(1))) == [1], "still connected and served"
        client.send("unsubscribe", topic="items:all")
        assert client.expect("unsubscribed")["topic"] == "items:all"


def test_the_handshake_refuses_bad_and_expired_tokens(db: Db) -> None:
    _, token = db.user()
    claims = jwt.decode(token, options={"verify_signature": False})
    # Past exp and PostgREST's clock skew (gateway.tokens.LEEWAY_SECONDS).
    expired = jwt.encode(
        {**claims, "exp": int(time.time()) - LEEWAY_SECONDS - 10}, SECRETS.jwt_secret
    )
    forged = jwt.encode(claims, "another secret that is at least 32 characters long")
    with gateway(db.name) as gw:
        for bad, code in (("garbage", "invalid_token"), (expired, "token_expired"),
                          (forged, "invalid_token")):  # fmt: skip
            with pytest.raises(InvalidStatus) as refused, Client.open(gw.realtime_url, bad):
                pass
            assert refused.value.response.status_code == 401
            assert json.loads(refused.value.response.body or b"{}")["code"] == code
        with Client.open(gw.realtime_url, token) as client:
            assert client.recv()["op"] == "authenticated"


# --- authorization ----------------------------------------------------------------------


def test_each_event_reaches_exactly_the_connections_its_audience_names(db: Db) -> None:
    alice, alice_token = db.user(["reader"])
    _, bob_token = db.user(["reader"])
    _, editor_token = db.user(["editor"])
    audiences = {
        10: '{"public": true}',
        11: '{"authenticated": true}',
        12: json.dumps({"users": [alice]}),
        13: '{"privileges": ["editor"]}',
        14: '{"privileges": ["admin"]}',
    }
    expected = {
        "anonymous": [10],
        "alice": [10, 11, 12],
        "bob": [10, 11],
        "editor": [10, 11, 13],  # editor does not imply admin
    }
    with gateway(db.name) as gw:
        clients = {
            "anonymous": Client.open(gw.realtime_url),
            "alice": Client.open(gw.realtime_url, alice_token),
            "bob": Client.open(gw.realtime_url, bob_token),
            "editor": Client.open(gw.realtime_url, editor_token),
        }
        opened = {name: ctx.__enter__() for name, ctx in clients.items()}
        try:
            for client in opened.values():
                client.subscribe("items:all")
            for item, audience in audiences.items():
                db.insert(item, audience=audience)
            db.insert(99)  # public: a barrier every client reaches
            for name, client in opened.items():
                got = item_ids(client.until(until_item(99)))
                assert got == [*expected[name], 99], f"{name} receives exactly its events"
        finally:
            for ctx in clients.values():
                ctx.__exit__(None, None, None)


def test_reauthenticating_replaces_the_identity_and_drops_what_it_may_not_follow(db: Db) -> None:
    alice, alice_token = db.user()
    bob, bob_token = db.user()
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.send("auth", token=alice_token)
        assert client.expect("authenticated")["sub"] == alice
        client.subscribe(f"user:{alice}")
        client.subscribe("items:all")
        client.send("auth", token=bob_token)
        dropped = client.expect("error")
        assert dropped["code"] == "forbidden"
        assert dropped["topic"] == f"user:{alice}", "alice's own topic is not bob's"
        assert client.expect("authenticated")["sub"] == bob
        db.insert(1, audience=json.dumps({"users": [bob]}))
        assert item_ids(client.until(until_item(1))) == [1], "events follow the new identity"


# --- delivery guarantees ----------------------------------------------------------------


def test_payloads_beyond_notifys_8000_bytes_arrive_whole(db: Db) -> None:
    body = "".join(f"{i:06d}" for i in range(20_000))  # 120,000 characters
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:item:5")
        db.run("insert into public.items (id, body) values (5, %s)", body)
        (event,) = events(client.until(lambda m: m["op"] == "event"))
        assert event["topic"] == "items:item:5"
        assert event["data"]["record"]["body"] == body
        assert event["type"] == "item.insert"
        assert isinstance(event["id"], int)
        assert event["at"], "the event says when it happened"


def test_a_late_commit_with_a_lower_id_is_delivered_not_skipped(db: Db) -> None:
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all")
        early = psycopg.connect(db.url)
        try:
            early.execute("insert into public.items (id) values (1)")  # lower outbox id
            db.insert(2)  # higher id, commits first
            first = events(client.until(until_item(2)))
            assert item_ids(first) == [2]
            early.commit()
        finally:
            early.close()
        late = events(client.until(until_item(1)))
        assert item_ids(late) == [1], "the late commit arrives live"
        assert late[0]["id"] > first[0]["id"], "ids follow commit order"
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as resumed:
        resumed.subscribe("items:all", since=first[0]["id"] - 1)
        got = resumed.until(until_item(1))
        assert item_ids(got) == [2, 1], "resuming from before 2 yields 2 then the late 1"


def test_a_resuming_client_gets_every_missed_event_once_and_in_order(db: Db) -> None:
    with gateway(db.name) as gw:
        with Client.open(gw.realtime_url) as client:
            client.subscribe("items:all")
            db.insert(1, 3)
            seen = events(client.until(until_item(3)))
        last_id = int(seen[-1]["id"])
        db.insert(4, 50)  # while away

        stop = threading.Event()

        def write_more() -> None:  # commits during the replay, racing it
            item = 1000
            while not stop.is_set() and item < 1200:
                db.insert(item)
                item += 1

        writer = threading.Thread(target=write_more)
        writer.start()
        try:
            with Client.open(gw.realtime_url) as client:
                client.subscribe("items:all", since=last_id)
                time.sleep(0.5)
                stop.set()
                writer.join()
                db.insert(5000)
                got = events(client.until(until_item(5000), timeout=20))
        finally:
            stop.set()
            writer.join()
        ids = [int(m["id"]) for m in got]
        assert ids == sorted(set(ids)), "strictly increasing: no duplicate, no reordering"
        items = item_ids(got)
        rows = db.run("select id from public.items where id > 3 order by id")
        written = [int(str(r[0])) for r in rows]
        assert sorted(items) == written, "every event after `since` arrives, none is missing"
        assert items[:50] == list(range(4, 54)), "the missed ones first, in commit order"


def test_resync_when_the_missed_events_were_pruned_or_the_position_is_unknown(db: Db) -> None:
    db.insert(1, 5)
    db.run("update events.config set retention = interval '1 millisecond'")
    with gateway(db.name) as gw:
        time.sleep(1.5)  # the gateway has sequenced them; now they are past retention
        (removed,) = db.run("select events.prune()")[0]
        assert removed == 10, "both topics' events of the five items are pruned"
        with Client.open(gw.realtime_url) as client:
            client.subscribe("items:all", since=2)
            resync = client.expect("resync")
            assert resync == {"op": "resync", "topic": "items:all", "reason": "retention"}
            db.insert(6)
            assert item_ids(client.until(until_item(6))) == [6], "then live from now"
            client.subscribe("items:item:6", since=10**9)
            assert client.expect("resync")["reason"] == "unknown_position"


def test_a_gateway_restart_loses_nothing_for_a_client_that_resumes(db: Db) -> None:
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all")
        db.insert(1, 2)
        last_id = int(events(client.until(until_item(2)))[-1]["id"])
    db.insert(3, 10)  # no gateway running
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all", since=last_id)
        assert item_ids(client.until(until_item(12))) == list(range(3, 13))


def test_the_gateway_survives_losing_its_database_connections(db: Db) -> None:
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all")
        killed = db.run(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = current_database() and usename in ('platform_jobs', 'authenticator')"
        )
        assert len(killed) >= 2, "the listener and the reader were cut off"
        db.insert(1, 3)
        got = client.until(until_item(3), timeout=20)
        assert item_ids(got) == [1, 2, 3], "events committed meanwhile arrive after reconnecting"


def test_a_slow_client_is_told_to_resync_and_dropped_while_others_get_everything(db: Db) -> None:
    body = "x" * 20_000
    count = 600  # 12 MB: more than the kernel buffers a client that stopped reading
    settings = {
        "PLATFORM_REALTIME_CLIENT_BUFFER": str(512 * 1024),
        # The stuck client reads only once the fast one has everything, which takes
        # longer than the default close timeout on a busy machine.
        "PLATFORM_REALTIME_CLOSE_TIMEOUT": "120",
    }
    with gateway(db.name, settings) as gw, Client.open(gw.realtime_url) as fast:
        slow = StuckClient(gw.realtime_url)
        try:
            slow.subscribe("items:all")
            fast.subscribe("items:all")
            received: list[Message] = []
            for item in range(1, count + 1):
                db.run("insert into public.items (id, body) values (%s, %s)", item, body)
                received += fast.quiet(0)  # keep up, as a healthy client does
            received += fast.until(until_item(count), timeout=60)
            assert item_ids(received) == list(range(1, count + 1)), "the fast client gets all"
            slow.read_to_the_end()
            resyncs = [m for m in slow.messages if m["op"] == "resync"]
            assert resyncs == [{"op": "resync", "topic": "items:all", "reason": "overflow"}]
            assert slow.close_code == 4008, "the stuck client is closed with the overflow code"
            assert len(item_ids(slow.messages)) < count
        finally:
            slow.close()
        fast.subscribe("items:item:1")  # the fast one is still connected
        metrics = httpx.get(gw.url + "/metrics", timeout=5).text
        assert "realtime_overflow_disconnects_total 1.0" in metrics


def test_one_transaction_bigger_than_the_client_buffer_reaches_a_reading_client(db: Db) -> None:
    settings = {"PLATFORM_REALTIME_CLIENT_BUFFER": str(64 * 1024)}
    with gateway(db.name, settings) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all")
        db.run(
            "insert into public.items (id, body)"
            " select g, repeat('x', 20000) from generate_series(1, 200) g"
        )  # 4 MB in one read: far past the limit before the client could read any
        got = item_ids(client.until(until_item(200), timeout=30))
        assert got == list(range(1, 201)), "a burst alone does not make a client resync"
        assert not [m for m in client.received if m["op"] == "resync"]


def test_shutdown_sends_what_committed_then_closes_with_1001(db: Db) -> None:
    with gateway(db.name) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("items:all")
        db.insert(1, 200)
        code = gw.stop()
        assert code == 0
        got = item_ids(client.received) + item_ids(client.until(until_item(200)))
        assert got == list(range(1, 201)), "every committed event is sent before closing"
        assert client.close_code() == 1001


# --- tokens and sessions ----------------------------------------------------------------


def test_a_revoked_session_closes_the_socket_with_4002(db: Db) -> None:
    _, token = db.user()
    session = jwt.decode(token, options={"verify_signature": False})["sid"]
    with gateway(db.name) as gw, Client.open(gw.realtime_url, token) as client:
        client.expect("authenticated")
        client.subscribe("items:all")
        started = time.monotonic()
        db.run(
            "update auth.sessions set revoked_at = now(), revoked_reason = 'logout' where id = %s",
            session,
        )
        assert client.close_code() == 4002
        assert time.monotonic() - started < 3, "at once, not at the next periodic sweep"
        assert client.received[-1]["code"] == "session_revoked"
        with pytest.raises(InvalidStatus) as refused, Client.open(gw.realtime_url, token):
            pass
        assert refused.value.response.status_code == 401, "the token no longer opens a socket"


def test_an_expiring_token_closes_with_4001_unless_the_client_reauthenticates(db: Db) -> None:
    # Tokens that PostgREST stops accepting 2 s from now (exp plus its clock skew).
    _, token = db.user()
    claims = jwt.decode(token, options={"verify_signature": False})
    short = jwt.encode({**claims, "exp": int(time.time()) + 2 - LEEWAY_SECONDS}, SECRETS.jwt_secret)
    with gateway(db.name) as gw:
        with Client.open(gw.realtime_url, short) as client:
            client.expect("authenticated")
            assert client.close_code(timeout=10) == 4001
            assert client.received[-1]["code"] == "token_expired"
        short = jwt.encode(
            {**claims, "exp": int(time.time()) + 2 - LEEWAY_SECONDS}, SECRETS.jwt_secret
        )
        with Client.open(gw.realtime_url, short) as client:
            client.expect("authenticated")
            client.subscribe("items:all")
            client.send("auth", token=token)
            client.expect("authenticated")
            time.sleep(3)
            db.insert(1)
            assert item_ids(client.until(until_item(1))) == [1], "still open past the old exp"
