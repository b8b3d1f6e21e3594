"""Benchmark: what capturing a row change as an event costs, per row.

    .venv/bin/python -m bench.capture [--rows 10000] [--rounds 9]

Needs the embedded cluster of `make up` (or DATABASE_URL). It deploys the plan into
``bench_capture``, adds a table published with a describe function (as a module does),
then inserts ``--rows`` rows in one statement, rolled back, in interleaved rounds:

* no trigger (the insert alone: the baseline);
* the generic ``events.capture()``, which calls the describe function through EXECUTE;
* the table's own trigger function written by ``events.enable()`` (what runs).

Printed: median and best microseconds per row, and direct / generic.
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg
from psycopg import sql

from bench.auth import with_database
from core.settings import Settings
from ops import sqitch

BENCH_DB = "bench_capture"
SETUP = """
create schema bench;
create table bench.rows (id bigint generated always as identity primary key,
                         owner uuid, shard int not null, body text);
create function bench.describe_row(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$
  select jsonb_build_object('type', 'row.' || op, 'audience',
           jsonb_build_object('users', jsonb_build_array(coalesce(new, old) ->> 'owner')))
$$;
select events.enable('bench.rows', array['bench:rows', 'bench:shard:{shard}'],
                     'bench.describe_row(text, jsonb, jsonb)');
"""
GENERIC = """create or replace trigger events_capture after insert or update or delete on bench.rows
  for each row execute function events.capture(
    '{bench:rows,"bench:shard:{shard}"}', 'bench.describe_row', '{}')"""
INSERT = """insert into bench.rows (owner, shard, body)
  select gen_random_uuid(), g %% 100, 'row ' || g from generate_series(1, %s) g"""
VARIANTS = {
    "no trigger (baseline)": "alter table bench.rows disable trigger events_capture",
    "generic events.capture() (EXECUTE per row)": GENERIC,
    "the table's own trigger function": None,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per insert")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds")
    args = parser.parse_args()
    settings = Settings.from_env()
    url = with_database(settings.superuser_url, BENCH_DB)
    with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(BENCH_DB)))  # fmt: skip
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(BENCH_DB)))
    print(f"deploying the plan into {BENCH_DB} ...", flush=True)
    sqitch.deploy(url, echo=False)
    per_row: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        for round_no in range(1, args.rounds + 1):
            print(f"  round {round_no}/{args.rounds} ...", flush=True)
            for name, prepare in VARIANTS.items():
                with conn.transaction(force_rollback=True):
                    if prepare:
                        conn.execute(prepare)
                    started = time.perf_counter()
                    conn.execute(INSERT, (args.rows,))
                    per_row[name].append((time.perf_counter() - started) / args.rows * 1e6)
    print(f"\n=== capture cost, {args.rows:,} rows per insert, two topics per row ===")
    for name, values in per_row.items():
        print(f"{name:<46} median {statistics.median(values):6.1f} µs/row"
              f"   best {min(values):6.1f}")  # fmt: skip
    generic, direct = (statistics.median(per_row[n]) for n in list(VARIANTS)[1:])
    print(f"\nthe table's own function / generic: {direct / generic:.2f}x the time per row")


if __name__ == "__main__":
    main()
