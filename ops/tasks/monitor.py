"""Monitoring: ``inv monitor.report`` (the gateway serves the same figures at /metrics)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from invoke.context import Context
from invoke.tasks import task

from ops import monitoring, thresholds
from ops.backup_status import backup_status
from ops.backups.manifest import Store
from ops.database import jobs_url, translate_errors
from ops.report.build import build
from ops.report.page import render_html
from ops.tasks._common import print_table, reports_errors, say, settings


@task(
    name="report",
    help={
        "html": "also write the report as one self-contained HTML file (inline SVG charts)",
        "top": "how many statements to list by total time (default: "
        "PLATFORM_MONITOR_TOP_STATEMENTS, 20)",
    },
)
@reports_errors
def report_(c: Context, html: str | None = None, top: int = 0) -> None:
    """Health report: statements, indexes, bloat, vacuum, backups."""
    s = settings()
    limits = monitoring.limits_from(s)
    if top:
        limits = monitoring.Limits(
            int(top), limits.max_tables, limits.large_table_rows, limits.unused_index_min_bytes
        )
    doing = "read the database's statistics"
    # The gateway's path exactly: platform_jobs, switched to platform_monitor.
    with (
        translate_errors(doing),
        monitoring.connect(
            jobs_url(s.superuser_url, s.secrets), s.monitor_statement_timeout_seconds
        ) as conn,
    ):
        snapshot = monitoring.fetch(conn, limits)
    store = Store(s.backups_dir)
    found = thresholds.breaches(snapshot, s) + thresholds.backup_breaches(store, s)
    sections = build(snapshot, s, found, backup_status(snapshot.archiver, store, s.db_name))
    taken = datetime.fromtimestamp(snapshot.taken_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    title = f"Health report: {snapshot.database.database_name}, {taken}"
    print(title)
    for section in sections:
        print(f"\n== {section.title}")
        for line in section.lines:
            print(line)
        if section.rows:
            print_table(section.rows)
        elif not section.lines:
            print(section.empty)
    if html is not None:
        path = Path(html)
        path.write_text(render_html(sections, title))
        say(f"wrote {path}")
