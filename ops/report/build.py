"""The report's sections in reading order, from one snapshot and its breaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ops.backup_status import BackupStatus
from ops.report import server, tables
from ops.report.section import Section
from ops.snapshot import Snapshot
from ops.thresholds import Breach

if TYPE_CHECKING:
    from core.settings import Settings


def build(
    snapshot: Snapshot, settings: Settings, found: list[Breach], backup: BackupStatus
) -> list[Section]:
    """Every section of the report, in reading order."""
    return [
        server.health(found),
        server.database(snapshot),
        server.connections(snapshot),
        server.statements(snapshot),
        tables.tables(snapshot),
        tables.unused(snapshot, settings),
        tables.hints(snapshot, settings),
        tables.bloat(snapshot),
        tables.vacuum(snapshot),
        server.replication(snapshot),
        Section("Backup status", [], [backup.summary, *backup.details]),
    ]
