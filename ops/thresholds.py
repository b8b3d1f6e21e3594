"""The thresholds of `Settings` applied to a monitoring `Snapshot`: what is wrong, and why.

`/healthz` (the gateway) and ``inv monitor.report`` both call `breaches` (and
`backup_breaches`, for the age of the last good backups); each `Breach` names the
figure, the culprit (a pid, a table, a backup) and the variable that set the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ops.backups.manifest import KINDS, SCHEDULE_VARIABLES, Store, scheduled_hours, scope
from ops.snapshot import Snapshot
from ops.units import mib

if TYPE_CHECKING:
    from core.settings import Settings

#: The cache hit ratio is judged only once this many blocks were asked for (a fresh
#: database has read too little for its ratio to mean anything).
MIN_CACHE_BLOCKS = 10_000


@dataclass(frozen=True)
class Breach:
    """A threshold crossed: which check, a sentence naming the figure and the variable."""

    check: str
    message: str
    #: The figure that crossed the limit (None: there is none, e.g. no backup at all).
    value: float | None
    limit: float

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": self.message,
            "value": self.value,
            "limit": self.limit,
        }


def breaches(snapshot: Snapshot, settings: Settings) -> list[Breach]:
    """Every threshold of ``settings`` the snapshot crosses (empty when all is well)."""
    return [breach for family in FAMILIES for breach in family(snapshot, settings)]


def _connections(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    conns = snapshot.connections
    if conns.used_ratio > s.monitor_max_connections_used:
        yield Breach(
            "connections_used",
            f"{conns.client_connections} of {conns.usable} usable connections in use"
            f" ({conns.used_ratio:.0%}), above"
            f" PLATFORM_MONITOR_MAX_CONNECTIONS_USED={s.monitor_max_connections_used:g}",
            round(conns.used_ratio, 4),
            s.monitor_max_connections_used,
        )


def _long_running(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    """Transactions open too long, queries running too long."""
    oldest = snapshot.oldest_transaction
    if oldest is not None and (oldest.oldest_xact_seconds or 0) > s.monitor_max_transaction_age:
        age = oldest.oldest_xact_seconds or 0.0
        yield Breach(
            "transaction_age",
            f"a transaction has been open {age:.1f} s (pid {oldest.oldest_xact_pid},"
            f" {oldest.state}), longer than"
            f" PLATFORM_MONITOR_MAX_TRANSACTION_AGE={s.monitor_max_transaction_age:g} s",
            round(age, 3),
            s.monitor_max_transaction_age,
        )
    longest = snapshot.longest_query
    if longest is not None and (longest.longest_query_seconds or 0) > s.monitor_max_query_age:
        age = longest.longest_query_seconds or 0.0
        yield Breach(
            "query_age",
            f"a query has been running {age:.1f} s (pid {longest.longest_query_pid}),"
            f" longer than PLATFORM_MONITOR_MAX_QUERY_AGE={s.monitor_max_query_age:g} s",
            round(age, 3),
            s.monitor_max_query_age,
        )


def _cache(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    db = snapshot.database
    ratio = db.cache_hit_ratio
    if (
        ratio is not None
        and db.blks_hit + db.blks_read >= MIN_CACHE_BLOCKS
        and ratio < s.monitor_min_cache_hit
    ):
        yield Breach(
            "cache_hit",
            f"cache hit ratio {ratio:.3f} is below"
            f" PLATFORM_MONITOR_MIN_CACHE_HIT={s.monitor_min_cache_hit:g}",
            round(ratio, 4),
            s.monitor_min_cache_hit,
        )


def _dead_tuples(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    for table in snapshot.tables:
        rows = table.live_tuples + table.dead_tuples
        if (
            rows >= s.monitor_large_table_rows
            and table.dead_ratio > s.monitor_max_dead_tuples_ratio
        ):
            yield Breach(
                "dead_tuples",
                f"{table.name} has {table.dead_tuples:,} dead tuples ({table.dead_ratio:.0%}"
                f" of its rows), above PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO="
                f"{s.monitor_max_dead_tuples_ratio:g}",
                round(table.dead_ratio, 4),
                s.monitor_max_dead_tuples_ratio,
            )


def _locks(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    if snapshot.locks_waiting > s.monitor_max_locks_waiting:
        yield Breach(
            "locks_waiting",
            f"{snapshot.locks_waiting} sessions wait for a lock, more than"
            f" PLATFORM_MONITOR_MAX_LOCKS_WAITING={s.monitor_max_locks_waiting}",
            snapshot.locks_waiting,
            s.monitor_max_locks_waiting,
        )


def _replication(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    rep = snapshot.replication
    for what, lag in (
        ("a replica replays", rep.max_replica_lag_bytes),
        ("a replication slot retains", rep.max_slot_retained_bytes),
    ):
        if lag is not None and lag > s.monitor_max_replication_lag:
            yield Breach(
                "replication_lag",
                f"{what} {mib(lag)} behind, more than"
                f" PLATFORM_MONITOR_MAX_REPLICATION_LAG={s.monitor_max_replication_lag} bytes",
                float(lag),
                s.monitor_max_replication_lag,
            )


def _archiving(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    arch = snapshot.archiver
    if arch.enabled and arch.failing:
        yield Breach(
            "archive_failing",
            f"the last WAL archive attempt failed ({arch.last_failed_wal},"
            f" {arch.last_failed_age_seconds or 0:.0f} s ago;"
            f" {arch.failed_count} failures since the statistics were reset)",
            arch.failed_count,
            0,
        )
    if arch.enabled and arch.pending_wal_files > s.monitor_max_archive_pending:
        yield Breach(
            "archive_pending",
            f"{arch.pending_wal_files} WAL files wait to be archived, more than"
            f" PLATFORM_MONITOR_MAX_ARCHIVE_PENDING={s.monitor_max_archive_pending}",
            arch.pending_wal_files,
            s.monitor_max_archive_pending,
        )


def _wraparound(snapshot: Snapshot, s: Settings) -> Iterator[Breach]:
    db = snapshot.database
    if db.frozen_xid_age > s.monitor_max_xid_age:
        yield Breach(
            "xid_age",
            f"the oldest unfrozen transaction ID is {db.frozen_xid_age:,} transactions old"
            f" (wraparound at 2^31), above"
            f" PLATFORM_MONITOR_MAX_XID_AGE={s.monitor_max_xid_age:,}",
            db.frozen_xid_age,
            s.monitor_max_xid_age,
        )


#: One check per family of breach, in the order `breaches` reports them.
FAMILIES: tuple[Callable[[Snapshot, Settings], Iterator[Breach]], ...] = (
    _connections,
    _long_running,
    _cache,
    _dead_tuples,
    _locks,
    _replication,
    _archiving,
    _wraparound,
)


#: A scheduled kind of backup is stale once its newest good one is older than this many
#: periods (one period late is a run that is due or under way; two is a failing schedule).
STALE_PERIODS = 2.0


def backup_breaches(store: Store, settings: Settings, at: datetime | None = None) -> list[Breach]:
    """Each scheduled kind of backup without a good one younger than `STALE_PERIODS`
    periods (``PLATFORM_BACKUP_LOGICAL_HOURS`` / ``_PHYSICAL_HOURS``; 0 is unscheduled)."""
    at = datetime.now(UTC) if at is None else at
    found: list[Breach] = []
    for kind in KINDS:
        hours, variable = scheduled_hours(settings, kind), SCHEDULE_VARIABLES[kind]
        if hours <= 0:
            continue
        limit = hours * 3600 * STALE_PERIODS
        database = scope(kind, settings.db_name)
        latest = store.latest(kind, database=database)
        if latest is None:
            found.append(
                Breach(
                    "backup_stale",
                    f"no good {kind} backup yet ({variable} is {hours:g}):"
                    " `inv backup.list` shows what failed",
                    None,
                    limit,
                )
            )
            continue
        age_seconds = (at - latest.finished()).total_seconds()
        if age_seconds > limit:
            found.append(
                Breach(
                    "backup_stale",
                    f"the last good {kind} backup, {latest.id}, is {age_seconds / 3600:.1f} h"
                    f" old: more than {STALE_PERIODS:g} times {variable} ({hours:g} h);"
                    " `inv backup.list` shows what failed",
                    age_seconds,
                    limit,
                )
            )
    return found
