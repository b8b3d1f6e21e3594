"""Backup status for ``inv monitor.report``, in one place.

No backup system exists on this branch yet: `backup_status` takes a manifest reader
(wire the backup system's "last good backup" here) and always adds what PostgreSQL
itself knows about WAL archiving (``pg_stat_archiver``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ops.monitoring import Archiver, age


@dataclass(frozen=True)
class BackupStatus:
    """What the report says about backups: the last good backup, and WAL archiving."""

    manifest: str | None
    summary: str
    details: list[str] = field(default_factory=list)


#: Where a backup system's last good manifest would be found; none exists yet on this
#: branch. Wire it here: a callable returning (manifest path, one-line summary) or None.
ManifestReader = Callable[[], tuple[str, str] | None]


def backup_status(archiver: Archiver, read_manifest: ManifestReader | None = None) -> BackupStatus:
    """The backup status in one place: the manifest (when a reader is given) and archiving."""
    found = read_manifest() if read_manifest is not None else None
    details = [_archiving_line(archiver)]
    if found is None:
        return BackupStatus(None, "no backup manifest found", details)
    path, summary = found
    return BackupStatus(path, summary, details)


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
