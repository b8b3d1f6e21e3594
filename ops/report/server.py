"""The report's sections about the server as a whole: health, the database's counters,
connections, statements, replication and archiving."""

from __future__ import annotations

from ops.report.section import QUERY_WIDTH, Chart, Row, Section, age_of, cut, ms, when
from ops.snapshot import Snapshot
from ops.thresholds import Breach
from ops.units import human_bytes


def health(found: list[Breach]) -> Section:
    if not found:
        return Section("Health", [], ["ok: no threshold crossed"])
    rows: list[Row] = [("check", "reason")]
    rows += [(b.check, b.message) for b in found]
    count = f"{len(found)} reason" + ("s" if len(found) > 1 else "")
    return Section(f"Health: degraded ({count})", rows)


def database(snap: Snapshot) -> Section:
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
    since = "" if db.stats_reset is None else f" since {when(db.stats_reset)}"
    return Section("Database", rows, [f"counters{since or ' since the database was created'}"])


def connections(snap: Snapshot) -> Section:
    rows: list[Row] = [("state", "connections", "oldest transaction", "longest query")]
    for a in snap.activity:
        rows.append(
            (
                a.state,
                str(a.connections),
                age_of(a.oldest_xact_seconds, a.oldest_xact_pid),
                age_of(a.longest_query_seconds, a.longest_query_pid),
            )
        )
    c = snap.connections
    note = (
        f"whole server: {c.client_connections} of {c.usable} usable connections"
        f" ({c.used_ratio:.0%}); {snap.locks_waiting} sessions of this database wait for a lock"
    )
    return Section("Connections (this database)", rows, [note])


def statements(snap: Snapshot) -> Section:
    title = f"Slow statements (top {len(snap.statements)} by total time)"
    if snap.statements_status != "available":
        return Section(title, [], [f"pg_stat_statements is {snap.statements_status}"])
    rows: list[Row] = [("total", "mean", "calls", "rows", "queryid", "statement")]
    for s in snap.statements:
        rows.append(
            (
                ms(s.total_exec_ms),
                ms(s.mean_exec_ms),
                f"{s.calls:,}",
                f"{s.rows:,}",
                str(s.queryid),
                cut(s.query, QUERY_WIDTH),
            )
        )
    chart = Chart(
        "total execution time",
        [(cut(s.query, 40), s.total_exec_ms) for s in snap.statements[:10]],
        ms,
    )
    return Section(title, rows if snap.statements else [], chart=chart)


def replication(snap: Snapshot) -> Section:
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
