"""``inv monitor.report``: the health report as sections of tables, in text or HTML.

`build` turns one `ops.monitoring.Snapshot` (the same figures `/metrics` serves) into
`Section` objects; the task prints them as aligned tables, and `render_html` writes them
as one self-contained page with small inline SVG bar charts (no script, no external
asset, nothing fetched).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ops.backup_status import BackupStatus
from ops.monitoring import Snapshot, human_bytes, human_seconds
from ops.thresholds import Breach

if TYPE_CHECKING:
    from core.settings import Settings

#: Longest statement text in a table cell; the HTML shows the text SQL returned.
QUERY_WIDTH = 70
XID_WRAPAROUND = 2**31
Row = tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[tuple[str, float]]
    unit: Callable[[float], str]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]  # the first row is the header; empty: only `lines`
    lines: list[str] = field(default_factory=list)
    chart: Chart | None = None
    empty: str = "nothing to report"


def build(
    snapshot: Snapshot, settings: Settings, found: list[Breach], backup: BackupStatus
) -> list[Section]:
    """Every section of the report, in reading order."""
    return [
        _health(found),
        _database(snapshot),
        _connections(snapshot),
        _statements(snapshot),
        _tables(snapshot),
        _unused(snapshot, settings),
        _hints(snapshot, settings),
        _bloat(snapshot),
        _vacuum(snapshot),
        _replication(snapshot),
        Section("Backup status", [], [backup.summary, *backup.details]),
    ]


def _health(found: list[Breach]) -> Section:
    if not found:
        return Section("Health", [], ["ok: no threshold crossed"])
    rows: list[Row] = [("check", "reason")]
    rows += [(b.check, b.message) for b in found]
    count = f"{len(found)} reason" + ("s" if len(found) > 1 else "")
    return Section(f"Health: degraded ({count})", rows)


def _database(snap: Snapshot) -> Section:
    db = snap.database
    ratio = db.cache_hit_ratio
    rows: list[Row] = [
        ("database", "size", "commits", "rollbacks", "cache hit", "deadlocks", "temp files"),
        (
            db.database_name,
            human_bytes(db.size_bytes),
            f"{db.xact_commit:,}",
            f"{db.xact_rollback:,}",
            "-" if ratio is None else f"{ratio:.2%}",
            f"{db.deadlocks:,}",
            human_bytes(db.temp_bytes),
        ),
    ]
    since = "" if db.stats_reset is None else f" since {_when(db.stats_reset)}"
    return Section("Database", rows, [f"counters{since or ' since the database was created'}"])


def _connections(snap: Snapshot) -> Section:
    rows: list[Row] = [("state", "connections", "oldest transaction", "longest query")]
    for a in snap.activity:
        rows.append(
            (
                a.state,
                str(a.connections),
                _age_of(a.oldest_xact_seconds, a.oldest_xact_pid),
                _age_of(a.longest_query_seconds, a.longest_query_pid),
            )
        )
    c = snap.connections
    note = (
        f"whole server: {c.client_connections} of {c.usable} usable connections"
        f" ({c.used_ratio:.0%}); {snap.locks_waiting} sessions of this database wait for a lock"
    )
    return Section("Connections (this database)", rows, [note])


def _statements(snap: Snapshot) -> Section:
    title = f"Slow statements (top {len(snap.statements)} by total time)"
    if snap.statements_status != "available":
        return Section(title, [], [f"pg_stat_statements is {snap.statements_status}"])
    rows: list[Row] = [("total", "mean", "calls", "rows", "queryid", "statement")]
    for s in snap.statements:
        rows.append(
            (
                _ms(s.total_exec_ms),
                _ms(s.mean_exec_ms),
                f"{s.calls:,}",
                f"{s.rows:,}",
                str(s.queryid),
                _cut(s.query, QUERY_WIDTH),
            )
        )
    chart = Chart(
        "total execution time",
        [(_cut(s.query, 40), s.total_exec_ms) for s in snap.statements[:10]],
        _ms,
    )
    return Section(title, rows if snap.statements else [], chart=chart)


def _tables(snap: Snapshot) -> Section:
    largest = sorted(snap.tables, key=lambda t: t.total_bytes, reverse=True)[:15]
    rows: list[Row] = [("table", "total size", "heap", "live rows", "dead rows", "dead")]
    for t in largest:
        rows.append(
            (
                t.name,
                human_bytes(t.total_bytes),
                human_bytes(t.table_bytes),
                f"{t.live_tuples:,}",
                f"{t.dead_tuples:,}",
                f"{t.dead_ratio:.0%}",
            )
        )
    chart = Chart("total size", [(t.name, float(t.total_bytes)) for t in largest[:10]], human_bytes)
    return Section("Largest tables", rows if largest else [], chart=chart)


def _unused(snap: Snapshot, settings: Settings) -> Section:
    rows: list[Row] = [("index", "table", "size")]
    for i in snap.unused_indexes:
        rows.append(
            (
                f"{i.schema_name}.{i.index_name}",
                f"{i.schema_name}.{i.table_name}",
                human_bytes(i.index_bytes),
            )
        )
    floor = human_bytes(settings.monitor_unused_index_min_bytes)
    return Section(
        "Unused indexes (never scanned since the statistics were reset)",
        rows if snap.unused_indexes else [],
        [f"neither unique nor primary, at least {floor} (PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES)"],
        empty="none",
    )


def _hints(snap: Snapshot, settings: Settings) -> Section:
    rows: list[Row] = [("table", "live rows", "seq scans", "rows per seq scan", "index scans")]
    hinted = [s for s in snap.seq_scans if s.needs_index]
    for s in hinted:
        rows.append(
            (
                s.name,
                f"{s.live_tuples:,}",
                f"{s.seq_scan:,}",
                f"{s.rows_per_seq_scan:,}",
                f"{s.idx_scan or 0:,}",
            )
        )
    return Section(
        "Missing-index hints (large tables read whole, again and again)",
        rows if hinted else [],
        [
            f"at least {settings.monitor_large_table_rows:,} rows"
            " (PLATFORM_MONITOR_LARGE_TABLE_ROWS), 10+ sequential scans, more than index scans,"
            " each reading as many rows",
            "look at the statements above that filter these tables",
        ],
        empty="none",
    )


def _bloat(snap: Snapshot) -> Section:
    bloated = [b for b in snap.bloat if b.bloat_bytes > 0][:15]
    rows: list[Row] = [("table", "pages", "packed estimate", "bloat", "ratio")]
    for b in bloated:
        rows.append(
            (
                b.name,
                human_bytes(b.table_bytes),
                human_bytes(b.expected_bytes),
                human_bytes(b.bloat_bytes),
                f"{b.bloat_ratio:.0%}",
            )
        )
    dead = sorted((t for t in snap.tables if t.dead_tuples), key=lambda t: -t.dead_tuples)[:10]
    chart = Chart("dead tuples", [(t.name, float(t.dead_tuples)) for t in dead], _count)
    return Section(
        "Bloat (estimate from the planner's statistics, as of the last ANALYZE)",
        rows if bloated else [],
        chart=chart,
        empty="no table is estimated bloated",
    )


def _vacuum(snap: Snapshot) -> Section:
    now = datetime.fromtimestamp(snap.taken_at, UTC)
    db = snap.database
    rows: list[Row] = [
        ("table", "last vacuum", "last autovacuum", "last analyze", "last autoanalyze", "xid age")
    ]
    aged = [t for t in snap.tables if t.frozen_xid_age is not None]
    # The tables vacuum matters most for first: dead tuples, then the oldest XIDs.
    by_age = sorted(aged, key=lambda t: (t.dead_tuples, t.frozen_xid_age or 0), reverse=True)[:15]
    for t in by_age:
        rows.append(
            (
                t.name,
                _since(t.last_vacuum, now),
                _since(t.last_autovacuum, now),
                _since(t.last_analyze, now),
                _since(t.last_autoanalyze, now),
                f"{t.frozen_xid_age:,}",
            )
        )
    share = db.frozen_xid_age / XID_WRAPAROUND
    return Section(
        "Vacuum",
        rows if by_age else [],
        [f"age(datfrozenxid) {db.frozen_xid_age:,} ({share:.2%} of the way to wraparound)"],
    )


def _replication(snap: Snapshot) -> Section:
    r, a = snap.replication, snap.archiver
    lag = r.max_replica_lag_bytes
    behind = "" if lag is None else f", the furthest {human_bytes(lag)} behind"
    lines = [
        ("standby" if r.is_replica else "primary")
        + f"; {r.replicas} standbys streaming{behind}"
        + f"; {r.slots} replication slots ({r.inactive_slots} inactive)",
        f"archiving: archive_mode = {a.archive_mode}; {a.archived_count} archived,"
        f" {a.failed_count} failed, {a.pending_wal_files} waiting"
        + (" (the last attempt FAILED)" if a.failing else ""),
    ]
    return Section("Replication and archiving", [], lines)


# --- HTML -------------------------------------------------------------------------------

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; max-width: 72rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left;
         font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; } p.note { color: #555; margin: .3rem 0; }
.degraded { color: #b00; } svg text { font: 11px system-ui, sans-serif; }
"""


def render_html(sections: Sequence[Section], title: str) -> str:
    """One self-contained HTML page: the sections' tables, notes and bar charts."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for section in sections:
        css = ' class="degraded"' if section.title.startswith("Health: degraded") else ""
        parts.append(f"<h2{css}>{html.escape(section.title)}</h2>")
        for line in section.lines:
            parts.append(f'<p class="note">{html.escape(line)}</p>')
        if section.rows:
            parts.append(_html_table(section.rows))
        elif not section.lines:
            parts.append(f'<p class="note">{html.escape(section.empty)}</p>')
        if section.chart is not None and section.chart.bars:
            parts.append(bar_chart(section.chart))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_table(rows: Sequence[Row]) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(chart: Chart, width: int = 640, bar: int = 16) -> str:
    """Horizontal bars as inline SVG: label on the left, the value at the bar's end."""
    label_w, value_w = 260, 90
    top = max((value for _, value in chart.bars), default=0.0) or 1.0
    height = bar * len(chart.bars) + 24
    out = [
        f'<svg width="{width}" height="{height}"'
        f' role="img" aria-label="{html.escape(chart.title)}">',
        f'<text x="0" y="12" font-weight="bold">{html.escape(chart.title)}</text>',
    ]
    span = width - label_w - value_w
    for i, (label, value) in enumerate(chart.bars):
        y = 20 + i * bar
        length = max(1.0, span * value / top)
        out.append(f'<text x="0" y="{y + bar - 5}">{html.escape(_cut(label, 42))}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{bar - 4}"'
            ' fill="#4a7bb7"/>'
        )
        out.append(
            f'<text x="{label_w + length + 4:.1f}" y="{y + bar - 5}">'
            f"{html.escape(chart.unit(value))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


# --- cells ------------------------------------------------------------------------------


def _ms(ms: float) -> str:
    return f"{ms:,.1f} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def _count(n: float) -> str:
    return f"{n:,.0f}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _age_of(seconds: float | None, pid: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{human_seconds(seconds)} (pid {pid})"


def _since(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    return human_seconds(max(0.0, (now - moment).total_seconds())) + " ago"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
