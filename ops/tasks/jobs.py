"""Scheduled jobs: ``inv jobs.list``, ``inv jobs.run`` (the gateway runs them every tick)."""

from __future__ import annotations

from datetime import UTC, datetime

from invoke.context import Context
from invoke.tasks import task

from core.errors import OpsError
from ops import jobs
from ops.tasks._common import print_table, reports_errors, settings

#: Longest last error shown in a table cell; `inv db.shell` shows the whole text.
ERROR_WIDTH = 60


@task(name="list")
@reports_errors
def list_(c: Context) -> None:
    """Show every scheduled job: period, next run, last outcome."""
    print_jobs(jobs.list_jobs(settings().superuser_url))


@task(
    help={
        "max_jobs": f"run at most this many due jobs (default {jobs.MAX_JOBS}); "
        "the rest wait for the next run",
    }
)
@reports_errors
def run(c: Context, max_jobs: int = jobs.MAX_JOBS) -> None:
    """Run the due jobs now, as the gateway's scheduler does."""
    runs = jobs.run_due_jobs(settings().superuser_url, max_jobs)
    if not runs:
        print("no job is due")
        return
    print_table(
        [("job", "status", "duration", "error")]
        + [(r.name, r.status, f"{r.duration_ms:.1f} ms", _one_line(r.error)) for r in runs]
    )
    failed = [r.name for r in runs if not r.ok]
    if failed:
        raise OpsError(
            f"{len(failed)} of {len(runs)} jobs failed: {', '.join(failed)}",
            "fix the job's function (the error is above and in `inv jobs.list`); "
            "it runs again after its period",
        )


def print_jobs(scheduled: list[jobs.Job]) -> None:
    """The ``inv jobs.list`` table (also printed by ``inv status``)."""
    if not scheduled:
        print("no job is scheduled")
        return
    now = datetime.now(UTC)
    rows = [("job", "every", "enabled", "next run", "last status", "last error")]
    for job in scheduled:
        rows.append(
            (
                job.name,
                jobs.format_every(job.every),
                "yes" if job.enabled else "no",
                jobs.format_next_run(job.next_run_at, now) if job.enabled else "-",
                job.last_status or "never ran",
                _one_line(job.last_error),
            )
        )
    print_table(rows)


def _one_line(text: str | None) -> str:
    if not text:
        return ""
    line = " ".join(text.split())
    return line if len(line) <= ERROR_WIDTH else line[: ERROR_WIDTH - 1] + "…"
