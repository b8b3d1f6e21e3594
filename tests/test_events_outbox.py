"""The outbox under real concurrency: commit order, wake-ups, payload size."""

from __future__ import annotations

import re
import threading

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

Conn = psycopg.Connection[tuple[object, ...]]

SETUP = """
create table public.items (id int primary key, body text);
select events.enable('public.items', array['demo:items'],
                     null, '{}');
"""


@pytest.fixture
def items_db(platform_db: Conn) -> str:
    platform_db.execute(SETUP)
    platform_db.commit()
    info = platform_db.info
    return psycopg.conninfo.make_conninfo(
        host=info.host, port=info.port, user=info.user, password=info.password, dbname=info.dbname
    )


def sequenced(conninfo: str, after: int = 0) -> list[tuple[int, int]]:
    """(seq, item id) of every numbered event after ``after``, in seq order."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("select events.sequence_pending()")
        rows = conn.execute(
            "select seq, (payload -> 'record' ->> 'id')::int from events.outbox"
            " where seq > %s order by seq",
            (after,),
        ).fetchall()
    return [(int(str(s)), int(str(i))) for s, i in rows]


def test_a_late_commit_with_a_lower_id_is_not_skipped(items_db: str) -> None:
    early = psycopg.connect(items_db)
    late = psycopg.connect(items_db)
    try:
        early.execute("insert into public.items values (1, 'takes the lower id, commits last')")
        late.execute("insert into public.items values (2, 'takes the higher id, commits first')")
        late.commit()

        first_read = sequenced(items_db)
        assert first_read == [(1, 2)], "only the committed event is numbered"

        early.commit()
        resumed = sequenced(items_db, after=first_read[-1][0])
        assert resumed == [(2, 1)], "the late commit is delivered after resuming, not skipped"
        assert sequenced(items_db) == [(1, 2), (2, 1)], "seq follows commit order, densely"
    finally:
        early.close()
        late.close()


def test_an_uncommitted_or_rolled_back_change_emits_nothing(items_db: str) -> None:
    with psycopg.connect(items_db) as conn:
        conn.execute("insert into public.items values (3, 'rolled back')")
        conn.rollback()
    assert sequenced(items_db) == []


def test_notify_wakes_listeners_after_commit_and_payloads_beyond_8000_bytes_arrive_whole(
    items_db: str,
) -> None:
    big = "x" * 20_000
    with psycopg.connect(items_db, autocommit=True) as listener:
        listener.execute("listen platform_events")
        with psycopg.connect(items_db) as writer:
            writer.execute("insert into public.items values (4, %s)", (big,))
            assert list(listener.notifies(timeout=0.3, stop_after=1)) == [], (
                "no wake-up before commit"
            )
            writer.commit()
        wakeups = list(listener.notifies(timeout=5, stop_after=1))
        assert len(wakeups) == 1
        assert wakeups[0].channel == "platform_events"
        assert wakeups[0].payload == "", "NOTIFY carries no data; the outbox does"
    with psycopg.connect(items_db, autocommit=True) as conn:
        conn.execute("select events.sequence_pending()")
        row = conn.execute(
            "select payload -> 'record' ->> 'body' from events.outbox where seq = 1"
        ).fetchone()
    assert row == (big,)


def test_concurrent_sequencers_never_hand_out_a_seq_twice(items_db: str) -> None:
    with psycopg.connect(items_db, autocommit=True) as conn:
        conn.execute("insert into public.items select g, 'bulk' from generate_series(10, 509) g")
    a = psycopg.connect(items_db)
    b = psycopg.connect(items_db)
    try:
        a.execute("select events.sequence_pending(300)")
        b_cursor = b.cursor()
        # b blocks on the advisory lock until a commits, then numbers what is left.
        done = threading.Event()

        def run_b() -> None:
            b_cursor.execute("select events.sequence_pending(1000)")
            b.commit()
            done.set()

        thread = threading.Thread(target=run_b)
        thread.start()
        assert not done.wait(0.3), "the second sequencer waits for the first"
        a.commit()
        thread.join(10)
        assert done.is_set()
    finally:
        a.close()
        b.close()
    with psycopg.connect(items_db) as conn:
        row = conn.execute(
            "select count(*), count(distinct seq), min(seq), max(seq),"
            " count(*) filter (where seq is null) from events.outbox"
        ).fetchone()
    assert row == (500, 500, 1, 500, 0)


def test_a_sequencer_run_with_nothing_pending_writes_nothing(items_db: str) -> None:
    with psycopg.connect(items_db) as conn:
        conn.execute("select events.sequence_pending()")
        row = conn.execute("select pg_current_xact_id_if_assigned()").fetchone()
        assert row == (None,), "no transaction id: the idle run has nothing to commit"
        conn.execute("insert into public.items values (1, 'pending')")
        row = conn.execute("select events.sequence_pending()").fetchone()
    assert row == (1,), "a pending event is still numbered"


def test_the_sequencer_refuses_repeatable_read_and_says_how_to_call_it(items_db: str) -> None:
    with psycopg.connect(items_db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pytest.raises(psycopg.errors.InvalidTransactionState) as refused:
            conn.execute("select events.sequence_pending()")
    assert "read committed" in str(refused.value)
    assert refused.value.diag.message_hint is not None
    assert "autocommit" in refused.value.diag.message_hint


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def render(template: str, row: dict[str, object]) -> str:
    """What a topic template means: each ``{column}`` (a lower-case name) is the row's
    value as text, '' when absent, in one pass; every other brace stays as it is."""
    return PLACEHOLDER.sub(lambda m: str(row.get(m[1], "")), template)


template_parts = st.lists(
    st.one_of(
        st.sampled_from(["{", "}", "{id}", "{kind}", "{Id}", "{missing}", "{{id}}", "{id", ":"]),
        st.text(alphabet="abcXYZ:_-.0{}", max_size=6),
    ),
    max_size=8,
)
rows = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers(-5, 10**6),
        "kind": st.text(alphabet="abc{}:", max_size=4),
        "Id": st.just("upper"),
    },
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(parts=template_parts, row=rows)
def test_render_topic_fills_each_placeholder_of_the_template_once(
    platform_db: Conn, parts: list[str], row: dict[str, object]
) -> None:
    template = "".join(parts)
    (got,) = platform_db.execute(
        "select events.render_topic(%s, %s)", (template, Jsonb(row))
    ).fetchone() or (None,)
    assert got == render(template, row), f"template {template!r} with {row!r}"


def test_render_topic_does_not_fill_placeholders_that_a_value_brings(platform_db: Conn) -> None:
    """The first version replaced each name everywhere, one name after another, so a
    value holding ``{id}`` (or braces that close around a filled name) was filled again."""
    cases = [
        ("{kind}:{id}", {"kind": "{id}", "id": 5}, "{id}:5"),
        ("{id{id}}{id}", {}, "{id}"),
    ]
    for template, row, expected in cases:
        (got,) = platform_db.execute(
            "select events.render_topic(%s, %s)", (template, Jsonb(row))
        ).fetchone() or (None,)
        assert got == expected, f"template {template!r} with {row!r} renders once"
