"""The report's sections about tables: sizes, unused indexes, missing-index hints, bloat
and vacuum."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ops.report.section import Chart, Row, Section, count, since
from ops.snapshot import Snapshot
from ops.units import human_bytes

if TYPE_CHECKING:
    from core.settings import Settings

XID_WRAPAROUND = 2**31


def tables(snap: Snapshot) -> Section:
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


def unused(snap: Snapshot, settings: Settings) -> Section:
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


def hints(snap: Snapshot, settings: Settings) -> Section:
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


def bloat(snap: Snapshot) -> Section:
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
    chart = Chart("dead tuples", [(t.name, float(t.dead_tuples)) for t in dead], count)
    return Section(
        "Bloat (estimate from the planner's statistics, as of the last ANALYZE)",
        rows if bloated else [],
        chart=chart,
        empty="no table is estimated bloated",
    )


def vacuum(snap: Snapshot) -> Section:
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
                since(t.last_vacuum, now),
                since(t.last_autovacuum, now),
                since(t.last_analyze, now),
                since(t.last_autoanalyze, now),
                f"{t.frozen_xid_age:,}",
            )
        )
    share = db.frozen_xid_age / XID_WRAPAROUND
    return Section(
        "Vacuum",
        rows if by_age else [],
        [f"age(datfrozenxid) {db.frozen_xid_age:,} ({share:.2%} of the way to wraparound)"],
    )
