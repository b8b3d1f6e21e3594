"""Scheduled jobs for operators: list them, run the due ones now (``inv jobs.*``).

The schedule and the runner live in SQL (``platform.jobs``, ``platform.run_due_jobs()``,
see ``db/functions/platform_jobs.sql``); the gateway's scheduler calls the same function
every tick, so a run from here is recorded exactly like one from the gateway.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from psycopg.rows import class_row

from ops.database import connect, translate_errors

logger = logging.getLogger(__name__)

#: What the gateway's scheduler and ``inv jobs.run`` execute.
RUN_DUE_JOBS = "select name, status, duration_ms, error from platform.run_due_jobs(%s)"
LIST_JOBS = """
select name, every, enabled, next_run_at, last_status, last_error, run_count, failure_count
  from platform.jobs
 order by name
"""
#: How many due jobs one call runs at most (``platform.run_due_jobs``' default).
MAX_JOBS = 10


@dataclass(frozen=True)
class JobRun:
    """One row of ``platform.run_due_jobs()``: a job that just ran."""

    name: str
    status: str  # "ok" or "failed"
    duration_ms: Decimal
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Job:
    """One row of ``platform.jobs``, as ``inv jobs.list`` shows it."""

    name: str
    every: timedelta
    enabled: bool
    next_run_at: datetime
    last_status: str | None
    last_error: str | None
    run_count: int
    failure_count: int


def list_jobs(url: str) -> list[Job]:
    """Every scheduled job, by name."""
    doing = "list the scheduled jobs"
    with (
        translate_errors(doing),
        connect(url, doing) as conn,
        conn.cursor(row_factory=class_row(Job)) as cur,
    ):
        return cur.execute(LIST_JOBS).fetchall()


def run_due_jobs(url: str, max_jobs: int = MAX_JOBS) -> list[JobRun]:
    """Run the jobs that are due now (at most ``max_jobs``); one row per job run."""
    doing = "run the due jobs"
    with (
        translate_errors(doing),
        connect(url, doing, autocommit=True) as conn,
        conn.cursor(row_factory=class_row(JobRun)) as cur,
    ):
        runs = cur.execute(RUN_DUE_JOBS, (max_jobs,)).fetchall()
    for run in runs:
        logger.info("job %s: %s", run.name, run.status)
    return runs


def format_every(period: timedelta) -> str:
    """A period the way people say it: ``30s``, ``5m``, ``1h30m``, ``1d``."""
    seconds = period.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    parts = []
    rest = round(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def format_next_run(at: datetime, now: datetime) -> str:
    """When a job runs next, relative to ``now``: ``due``, ``in 25s``."""
    wait = at - now
    if wait <= timedelta(0):
        return "due"
    return f"in {format_every(timedelta(seconds=math.ceil(wait.total_seconds())))}"
