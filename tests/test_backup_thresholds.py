"""A scheduled kind of backup without a recent good one is a breach (/healthz degraded,
``inv monitor.report``): judged from the real manifests of a backup store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.settings import Settings
from ops.backups.manifest import Manifest, Status, Store
from ops.thresholds import STALE_PERIODS, backup_breaches

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def backup(store: Store, hours_ago: float, status: Status = "good") -> None:
    at = (NOW - timedelta(hours=hours_ago)).isoformat()
    store.save(
        Manifest(id=f"logical-{hours_ago}", kind="logical", database="platform",
                 started_at=at, finished_at=at, status=status)
    )  # fmt: skip


def test_a_stale_or_missing_scheduled_backup_is_a_breach_naming_its_variable(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    settings = dataclasses.replace(Settings(), backup_logical_hours=1.0)
    (missing,) = backup_breaches(store, settings, NOW)
    assert missing.check == "backup_stale"
    assert "no good logical backup yet" in missing.message
    assert "PLATFORM_BACKUP_LOGICAL_HOURS" in missing.message
    assert missing.value is None

    backup(store, hours_ago=STALE_PERIODS + 0.5)
    backup(store, hours_ago=0.2, status="bad")
    (stale,) = backup_breaches(store, settings, NOW)
    assert "is 2.5 h old" in stale.message, "a bad backup since does not count"
    assert stale.value == (STALE_PERIODS + 0.5) * 3600
    assert stale.limit == STALE_PERIODS * 3600

    backup(store, hours_ago=1.5)
    assert backup_breaches(store, settings, NOW) == [], "late by less than two periods"
    unscheduled = dataclasses.replace(settings, backup_logical_hours=0.0)
    assert backup_breaches(Store(tmp_path / "empty"), unscheduled, NOW) == []
