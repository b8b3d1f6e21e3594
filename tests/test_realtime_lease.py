"""The poll lease (gateway/poll_lease.py, decision 0021) with the real gateway, real
WebSocket clients and a real database: while the gateway holds a lease, writers skip
NOTIFY and every event still arrives; once it gives the lease up, NOTIFY wakes it again,
and a writer that skipped its NOTIFY but committed after the release is still read.

The gateway polls only every 30 s here (PLATFORM_REALTIME_POLL), so an event that
waited for that poll would fail these tests: only NOTIFY or the lease's own reads can
deliver within their deadlines.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg
import pytest

from tests.fix_cluster import SERVER, dbname_of
from tests.gateway_process import Client, Message, events, gateway
from tests.waiting import wait_for

Conn = psycopg.Connection[tuple[object, ...]]

SETUP = """
create table public.ticks (id int primary key, body text not null default '');
alter table public.ticks enable row level security;
create function public.describe_tick(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$ select '{"type": "tick", "audience": {"public": true}}'::jsonb $$;
select events.enable('public.ticks', array['ticks:all'],
                     'public.describe_tick(text, jsonb, jsonb)');
create function public.may_follow_ticks(arg text) returns boolean
language sql stable as $$ select true $$;
grant execute on function public.may_follow_ticks(text) to anon, authenticated;
select events.register_topic('ticks:all', 'public.may_follow_ticks(text)', 'test ticks');
"""
#: Only NOTIFY or the lease's reads deliver before this poll.
SLOW_POLL = {"PLATFORM_REALTIME_POLL": "30"}


@pytest.fixture
def db_url(platform_db: Conn) -> str:
    platform_db.execute(SETUP)
    platform_db.commit()
    return SERVER.url(dbname_of(platform_db))


class Notifications:
    """Counts the NOTIFYs on platform_events, by payload ('' from writers)."""

    def __init__(self, url: str) -> None:
        self.writers = 0
        self.sequenced = 0
        self._stop = threading.Event()
        self._conn = psycopg.connect(url, autocommit=True)
        self._conn.execute("listen platform_events")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for note in self._conn.notifies(timeout=0.05):
                if note.payload == "":
                    self.writers += 1
                else:
                    self.sequenced += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


@contextmanager
def notifications(url: str) -> Iterator[Notifications]:
    counter = Notifications(url)
    try:
        yield counter
    finally:
        counter.close()


def insert(url: str, first: int, count: int, pause: float = 0.0) -> None:
    """``count`` ticks, each in its own transaction, as API writes are."""
    with psycopg.connect(url, autocommit=True) as conn:
        for n in range(first, first + count):
            conn.execute("insert into public.ticks (id) values (%s)", (n,))
            if pause:
                time.sleep(pause)


def leases(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "select count(*) from events.pollers where lease_until > clock_timestamp()"
        ).fetchone()
    return int(row[0]) if row else 0


def tick_ids(messages: list[Message]) -> list[int]:
    return [int(m["data"]["record"]["id"]) for m in events(messages, "ticks:all")]


def receive_ticks(client: Client, last: int, seconds: float) -> list[int]:
    def done(message: Message) -> bool:
        return bool(message["op"] == "event" and message["data"]["record"]["id"] == last)

    return tick_ids(client.until(done, timeout=seconds))


def test_under_load_writers_skip_notify_and_every_event_still_arrives(db_url: str) -> None:
    name = db_url.rsplit("/", 1)[1]
    with gateway(name, SLOW_POLL) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("ticks:all")
        with notifications(db_url) as notes:
            insert(db_url, 1, 1)
            assert receive_ticks(client, 1, 5) == [1], "an idle gateway is woken by NOTIFY"
            assert notes.writers == 1, "with no lease, the writer sent NOTIFY"

            during: list[int] = []
            load = threading.Thread(target=insert, args=(db_url, 2, 300, 0.005))
            load.start()
            while load.is_alive():
                during.append(leases(db_url))
                time.sleep(0.05)
            load.join()
            assert max(during) == 1, "under a stream of writes the gateway holds a poll lease"
            polling = httpx.get(gw.url + "/healthz", timeout=5).json()["realtime"]
            assert set(polling) >= {"polling"}, "/healthz says whether the gateway polls"
            assert receive_ticks(client, 301, 10) == list(range(2, 302)), (
                "every event arrives, in order"
            )
            assert notes.writers < 60, (
                f"writers skip NOTIFY while the lease holds ({notes.writers} of 300 notified)"
            )

            wait_for(lambda: leases(db_url) == 0, 5, "the lease is given up once writes stop", 0.02)
            before = notes.writers
            time.sleep(0.3)  # settled: no lease, no pending writer
            insert(db_url, 400, 1)
            assert receive_ticks(client, 400, 5) == [400], "NOTIFY wakes it again"
            assert notes.writers == before + 1, "and the writer sent it"


def test_a_writer_that_saw_the_lease_and_commits_after_its_release_is_still_read(
    db_url: str,
) -> None:
    name = db_url.rsplit("/", 1)[1]
    with gateway(name, SLOW_POLL) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("ticks:all")
        load = threading.Thread(target=insert, args=(db_url, 1, 200, 0.005))
        load.start()
        wait_for(lambda: leases(db_url) == 1, 10, "the load makes the gateway take a lease", 0.02)
        with notifications(db_url) as notes, psycopg.connect(db_url) as late:
            (leased,) = late.execute(
                "select exists (select from events.pollers where lease_until > clock_timestamp())"
            ).fetchone() or (False,)
            late.execute("insert into public.ticks (id) values (1000)")  # sees the lease
            assert leased, "the late writer captured its insert while the lease held"
            load.join()
            wait_for(
                lambda: leases(db_url) == 0, 5, "the lease is given up once the load stops", 0.02
            )
            time.sleep(0.5)  # the gateway now waits for the late writer to end
            late.commit()
            committed = time.monotonic()
            got = receive_ticks(client, 1000, 5)
            assert got[-1] == 1000, "the late writer's event arrives"
            assert time.monotonic() - committed < 5, "well before the 30 s poll"
            assert notes.writers == 0, "although it sent no NOTIFY"
