"""Backup status for ``inv monitor.report``, in one place.

What the manifests of the backup store say (the newest good backup of each kind, and
backups that failed verification since), then what PostgreSQL itself knows about WAL
archiving (``pg_stat_archiver``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ops.backups.manifest import KINDS, Manifest, Store, scope
from ops.snapshot import Archiver
from ops.units import age, human_bytes


@dataclass(frozen=True)
class BackupStatus:
    """What the report says about backups: the last good backup, and WAL archiving."""

    manifest: str | None
    summary: str
    details: list[str] = field(default_factory=list)


def backup_status(
    archiver: Archiver,
    store: Store | None = None,
    database: str | None = None,
    at: datetime | None = None,
) -> BackupStatus:
    """The newest good backup of each kind in ``store`` (logical ones: of ``database``),
    the failures after it, and archiving."""
    at = datetime.now(UTC) if at is None else at
    details: list[str] = []
    newest: Manifest | None = None
    if store is not None:
        backups = store.all()
        for kind in KINDS:
            wanted = None if database is None else scope(kind, database)
            of_kind = [m for m in backups if m.kind == kind and wanted in (None, m.database)]
            good = [m for m in of_kind if m.good]
            last = good[-1] if good else None
            if last is None:
                details.append(f"{kind}: no good backup" + _failed(of_kind))
                continue
            if newest is None or last.finished() > newest.finished():
                newest = last
            verified = last.verification.duration_seconds if last.verification else 0.0
            ago = age((at - last.finished()).total_seconds())
            details.append(
                f"{kind}: {last.id} of {last.database}, {ago} ago,"
                f" {human_bytes(last.size_bytes)}, {last.rows:,} rows,"
                f" taken in {last.duration_seconds:.1f} s, verified in {verified:.1f} s"
                + _failed([m for m in of_kind if m.started_at > last.started_at])
            )
    details.append(_archiving_line(archiver))
    if newest is None:
        return BackupStatus(None, "no good backup found (`inv backup.create` takes one)", details)
    folder = store.folder(newest) if store is not None else None
    summary = (
        f"last good backup: {newest.kind} {newest.id},"
        f" {age((at - newest.finished()).total_seconds())} ago"
    )
    return BackupStatus(None if folder is None else str(folder), summary, details)


def _failed(manifests: list[Manifest]) -> str:
    bad = [m for m in manifests if m.status == "bad"]
    if not bad:
        return ""
    return f"; {len(bad)} FAILED verification since (latest {bad[-1].id}: `inv backup.list`)"


def _archiving_line(arch: Archiver) -> str:
    if not arch.enabled:
        return "WAL archiving: off (archive_mode = off)"
    last = (
        "never archived a WAL file"
        if arch.last_archived_wal is None
        else f"last archived {arch.last_archived_wal} {age(arch.last_archived_age_seconds)} ago"
    )
    state = "FAILING" if arch.failing else "ok"
    return (
        f"WAL archiving: {state} (archive_mode = {arch.archive_mode}); {last};"
        f" {arch.archived_count} archived, {arch.failed_count} failed,"
        f" {arch.pending_wal_files} waiting"
    )
