"""Benchmark: what audit and change-event capture cost a bulk insert and an API write.

    .venv/bin/python -m bench.capture [--rows 10000] [--rounds 7] [--api-seconds 3] [--no-api]

Needs the embedded cluster of `make up` (or DATABASE_URL). It deploys the plan twice:
``bench_capture_built`` up to ``@platform-2.1`` (statement triggers that build every
event in the writer's transaction, as released) and ``bench_capture`` whole (the
trigger records the statement's rows, the sequencer builds the events; decision 0021).
The row triggers of ``@platform-2.0`` are in bench/RESULTS.md (2026-12-07). In each it
adds a table audited and published on two topics with a describe function, as a module
does, then inserts ``--rows`` rows in one statement, rolled back, in interleaved rounds
with the capture triggers of the table switched on and off:

* bare (no audit, no events: the baseline);
* audit only; events only; audit and events;
* the floor: the bare insert plus the very rows that "audit and events" wrote (audit,
  outbox and captured rows), copied beforehand and inserted by plain INSERTs (what
  writing those rows costs, however they are built);
* then the sequencer: after an insert with audit and events, the time
  ``events.sequence_pending()`` takes to number (and now build) its events: the work the
  gateway does after the commit, printed per row beside the writer's.

Printed per deploy: median rows/s (and the best round) and the ratio to the bare insert
of the same database; target (issue 20) >= 0.25 for audit and events together. Then
`bench.capture_api` times one POST of one row through a private PostgREST into the same
kind of table with audit and events against one without (target >= 0.8).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from bench import capture_api
from bench.auth import with_database
from core.settings import Settings
from ops import database, sqitch

#: The two deploys compared: (label, database, sqitch --to).
DEPLOYS = (
    ("events built by the trigger (@platform-2.1)", "bench_capture_built", "@platform-2.1"),
    ("rows captured, events built by the sequencer (this plan)", "bench_capture", None),
)
SETUP = """
create schema bench;
create table bench.rows (id bigint generated always as identity primary key,
                         owner uuid not null default auth.uid(), shard int not null, body text);
create table bench.plain (like bench.rows including all);
-- STABLE, as the module template writes it: PostgreSQL inlines it (an IMMUTABLE one calling
-- the stable jsonb_build_object is not inlined and is parsed and planned per statement).
create function bench.describe_row(op text, new jsonb, old jsonb) returns jsonb
language sql stable as $$
  select jsonb_build_object('type', 'row.' || op, 'audience',
           jsonb_build_object('users', jsonb_build_array(coalesce(new, old) ->> 'owner')))
$$;
select audit.enable('bench.rows');
select events.enable('bench.rows', array['bench:rows', 'bench:shard:{shard}'],
                     'bench.describe_row(text, jsonb, jsonb)');
-- The API write: POST /rows (audited, published) against POST /plain (neither).
select platform.register_module('bench', 'bench.capture: the capture benchmark', array['bench']);
grant usage on schema bench to authenticated;
grant select, insert on bench.rows, bench.plain to authenticated;
"""
INSERT = """insert into bench.rows (owner, shard, body)
  select gen_random_uuid(), g %% 100, 'row ' || g from generate_series(1, %s) g"""
#: Variant -> the schemas whose capture triggers stay on (audit, events).
VARIANTS: dict[str, tuple[str, ...]] = {
    "bare insert (no audit, no events)": (),
    "audit only": ("audit",),
    "events only": ("events",),
    "audit and events": ("audit", "events"),
}
#: Not a capture: the bare insert plus the very audit, outbox and captured rows that
#: "audit and events" writes, copied beforehand and inserted by plain INSERTs. What writing
#: those rows costs whatever builds them: the best any trigger could do.
FLOOR = "floor: bare + the same rows, precomputed"
AUDIT_COLUMNS = sql.SQL("""schema_name, table_name, operation, record_pk, old_record,
  new_record, changed_columns, actor_id, actor_role""")
OUTBOX_COLUMNS = sql.SQL("topic, type, payload, audience")
CAPTURED_COLUMNS = sql.SQL("source, op, changed_rows, row_count, actor")
#: (table, its columns, the temporary table that keeps the rows one captured insert wrote);
#: events.captured exists only from decision 0021 on.
FLOOR_TABLES = (
    (sql.Identifier("audit", "log"), AUDIT_COLUMNS, sql.Identifier("floor_audit")),
    (sql.Identifier("events", "outbox"), OUTBOX_COLUMNS, sql.Identifier("floor_outbox")),
    (sql.Identifier("events", "captured"), CAPTURED_COLUMNS, sql.Identifier("floor_captured")),
)
#: After an insert with audit and events: the sequencer's run (the gateway's work).
SEQUENCER = "then the sequencer (gateway, after commit)"
TARGET = 0.25


@dataclass
class Deploy:
    label: str
    url: str
    #: trigger name -> the schema of its function (audit or events)
    triggers: dict[str, str]
    #: The FLOOR_TABLES this deploy has.
    floor_tables: tuple[tuple[sql.Identifier, sql.SQL, sql.Identifier], ...] = ()


def prepare(settings: Settings, label: str, name: str, to: str | None) -> Deploy:
    url = with_database(settings.superuser_url, name)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    print(f"deploying the plan{f' up to {to}' if to else ''} into {name} ...", flush=True)
    sqitch.deploy(url, to=to, echo=False)
    database.configure(url, settings.secrets)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        present = {
            str(name)
            for (name,) in conn.execute(
                "select t from unnest(%s::text[]) t where to_regclass(t) is not null",
                (["audit.log", "events.outbox", "events.captured"],),
            )
        }
        rows = conn.execute(
            """select t.tgname::text, p.pronamespace::regnamespace::text
                 from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                where t.tgrelid = 'bench.rows'::regclass and not t.tgisinternal
                  and p.pronamespace::regnamespace::text in ('audit', 'events')"""
        ).fetchall()
    floor = tuple(
        t for t, name in zip(FLOOR_TABLES, ("audit.log", "events.outbox", "events.captured"),
                             strict=True) if name in present
    )  # fmt: skip
    return Deploy(label, url, {str(name): str(schema) for name, schema in rows}, floor)


def copy_floor_rows(
    conn: psycopg.Connection[tuple[object, ...]], deploy: Deploy, rows: int
) -> None:
    """Keep, in temporary tables, the audit and outbox rows one captured insert writes."""
    kept: list[bytes] = []
    with conn.transaction(force_rollback=True), conn.cursor() as cur:
        cur.execute(INSERT, (rows,))
        for table, columns, _ in deploy.floor_tables:
            query = sql.SQL(
                "copy (select {} from {} where transaction_id = pg_current_xact_id() order by id)"
                " to stdout"
            ).format(columns, table)
            with cur.copy(query) as copy:
                kept.append(b"".join(bytes(block) for block in copy))
    with conn.cursor() as cur:
        for (table, columns, keep), data in zip(deploy.floor_tables, kept, strict=True):
            cur.execute(
                sql.SQL("create temporary table {} as select {} from {} with no data").format(
                    keep, columns, table
                )
            )
            with cur.copy(sql.SQL("copy {} from stdin").format(keep)) as copy:
                copy.write(data)


def run_variant(
    conn: psycopg.Connection[tuple[object, ...]], deploy: Deploy, variant: str, rows: int
) -> float:
    """Seconds for one variant's statements, rolled back."""
    kept = ("audit", "events") if variant == SEQUENCER else VARIANTS.get(variant, ())
    with conn.transaction(force_rollback=True):
        for trigger, schema in deploy.triggers.items():
            if schema not in kept:
                conn.execute(sql.SQL("alter table bench.rows disable trigger {}")
                             .format(sql.Identifier(trigger)))  # fmt: skip
        if variant == SEQUENCER:
            # Everything committed before is already numbered: this run is the insert's.
            conn.execute("select events.sequence_pending(2147483647)")
            conn.execute(INSERT, (rows,))
            started = time.perf_counter()
            conn.execute("select events.sequence_pending(2147483647)")
            return time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(INSERT, (rows,))
        if variant == FLOOR:
            for table, columns, keep in deploy.floor_tables:
                insert = sql.SQL("insert into {} ({}) select * from {}")
                conn.execute(insert.format(table, columns, keep))
        return time.perf_counter() - started


def time_inserts(
    deploys: Sequence[Deploy], rows: int, rounds: int
) -> dict[str, dict[str, list[float]]]:
    """Seconds per insert, per deploy and variant, in interleaved rounds (rolled back)."""
    variants = [*VARIANTS, FLOOR, SEQUENCER]
    seconds = {d.label: {v: list[float]() for v in variants} for d in deploys}
    conns = {d.label: psycopg.connect(d.url, autocommit=True) for d in deploys}
    try:
        for deploy in deploys:
            copy_floor_rows(conns[deploy.label], deploy, rows)
        for round_no in range(1, rounds + 1):
            print(f"  round {round_no}/{rounds} ...", flush=True)
            for deploy in deploys:
                for variant in variants:
                    took = run_variant(conns[deploy.label], deploy, variant, rows)
                    seconds[deploy.label][variant].append(took)
    finally:
        for conn in conns.values():
            conn.close()
    return seconds


def report_inserts(seconds: dict[str, dict[str, list[float]]], rows: int, rounds: int) -> None:
    print(
        f"\n=== {rows:,}-row insert, audit and events on two topics, median of {rounds} rounds ==="
    )
    for label, variants in seconds.items():
        print(f"\n{label}")
        bare = rows / statistics.median(variants[next(iter(VARIANTS))])
        for variant, values in variants.items():
            middle = statistics.median(values)
            rate = rows / middle
            target = f"   (target >= {TARGET})" if variant == "audit and events" else ""
            best = rows / min(values)
            per_row = middle / rows * 1e6
            if variant == SEQUENCER:
                both = middle + statistics.median(variants["audit and events"])
                print(
                    f"  {variant:<46} {per_row:6.1f} µs/row; writer and sequencer together"
                    f" {rows / both:,.0f} rows/s = {rows / both / bare:5.2f}x bare"
                )
                continue
            print(
                f"  {variant:<46} {rate:>10,.0f} rows/s   best {best:>10,.0f}"
                f"   {rate / bare:5.2f}x bare   {per_row:6.1f} µs/row{target}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per insert")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved insert rounds")
    parser.add_argument(
        "--api-seconds", type=int, default=3, help="seconds per wrk run (API write)"
    )
    parser.add_argument("--api-rounds", type=int, default=3, help="interleaved API rounds")
    parser.add_argument("--api-connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--no-api", action="store_true", help="skip the API write")
    args = parser.parse_args()
    settings = Settings.from_env()
    deploys = [prepare(settings, *deploy) for deploy in DEPLOYS]
    seconds = time_inserts(deploys, args.rows, args.rounds)
    report_inserts(seconds, args.rows, args.rounds)
    if not args.no_api:
        results = capture_api.measure(
            settings,
            [(d.label, d.url) for d in deploys],
            seconds=args.api_seconds,
            rounds=args.api_rounds,
            connections=args.api_connections,
        )
        capture_api.report(results, args.api_rounds)


if __name__ == "__main__":
    main()
