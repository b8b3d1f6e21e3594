"""Latency samples of SQL statements as PostgREST's roles run them, and their quantiles."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

Mode = Literal["anon", "reader", "owner", "owner_reader"]
#: What each mode is: PostgREST's anonymous role, a signed-in reader (role + JWT claims
#: exactly as PostgREST sets them), and the owner, who bypasses row-level security:
#: ``owner`` with anonymous claims, ``owner_reader`` with the reader's (so that a
#: statement spelling out the reader's rule can call ``auth.uid()``).
MODES: tuple[Mode, ...] = ("anon", "reader", "owner", "owner_reader")


@dataclass(frozen=True)
class Latency:
    samples_ms: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]

    @property
    def p99(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[98]

    def cell(self) -> str:
        return f"{self.p50:7.2f} /{self.p95:7.2f}"


def claims_for(mode: Mode, reader_id: str | None) -> str:
    if mode in ("reader", "owner_reader"):
        return json.dumps({"role": "authenticated", "sub": reader_id, "privileges": ["reader"]})
    return json.dumps({"role": "anon"})


def sample(
    url: str,
    statements: Mapping[Mode, str],
    params: Callable[[int], Sequence[Any] | Mapping[str, Any]],
    *,
    count: int,
    reader_id: str | None = None,
    warmup: int = 5,
    budget_s: float = 60.0,
) -> dict[Mode, Latency]:
    """Run each mode's statement ``count`` times (after ``warmup``), modes interleaved.

    Each run is its own transaction that first takes the role and claims the way
    PostgREST does (``set_config(..., true)``); only the statement itself is timed.
    Interleaving the modes run by run keeps caches and background load the same for all,
    and the order of the modes turns by one place every run: run ``i`` of every mode
    reads the same rows (``params(i)``), and whichever mode reads them first pays for
    bringing them into the caches (the next modes find them warm). With a fixed order,
    at 100,000 articles, anon came out at 0.93x the owner on article pages that cost both
    about the same (0.98x when each page is read many times in a row; 1.04x with the
    owner first).
    Each mode has its own connection, as a PostgREST pool serving one kind of caller
    would: a plan that row-level security made depend on the role is re-planned whenever
    the role changes, so sharing one connection between modes would time the planner
    (a 1 ms detail plan on every run) instead of the statement.
    A slow statement stops after ``budget_s`` seconds (with at least 10 runs per mode).
    """
    conns = {mode: psycopg.connect(url) for mode in statements}
    try:
        return _sample(conns, statements, params, count, reader_id, warmup, budget_s)
    finally:
        for conn in conns.values():
            conn.close()


def turned(modes: Sequence[Mode], run: int) -> tuple[Mode, ...]:
    """The modes in the order of run ``run``: turned by one place per run."""
    k = run % len(modes)
    return (*modes[k:], *modes[:k])


def _sample(
    conns: Mapping[Mode, psycopg.Connection[Any]],
    statements: Mapping[Mode, str],
    params: Callable[[int], Sequence[Any] | Mapping[str, Any]],
    count: int,
    reader_id: str | None,
    warmup: int,
    budget_s: float,
) -> dict[Mode, Latency]:
    timings: dict[Mode, list[float]] = {mode: [] for mode in statements}
    modes = tuple(statements)
    started_all = time.monotonic()
    for i in range(-min(warmup, count), count):
        if i >= 10 and time.monotonic() - started_all > budget_s:
            break
        for mode in turned(modes, i):
            statement = statements[mode]
            role = {"anon": "anon", "reader": "authenticated"}.get(mode)
            conn = conns[mode]
            with conn.transaction():
                conn.execute(
                    "select set_config('request.jwt.claims', %s, true),"
                    " set_config('role', coalesce(%s, current_user), true)",
                    (claims_for(mode, reader_id), role),
                )
                started = time.perf_counter()
                conn.execute(statement, params(i)).fetchall()
                elapsed = (time.perf_counter() - started) * 1000
            if i >= 0:
                timings[mode].append(elapsed)
    return {mode: Latency(tuple(values)) for mode, values in timings.items()}
