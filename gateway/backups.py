"""The backup schedule: the gateway takes backups when the last good one is too old.

Configured by ``PLATFORM_BACKUP_LOGICAL_HOURS`` and ``PLATFORM_BACKUP_PHYSICAL_HOURS``
(0, the default, is off) and ``PLATFORM_BACKUP_KEEP_DAYS``. Every `CHECK_SECONDS` the
loop reads the manifests on disk (so backups taken by hand count too); when the newest
good backup of a kind is older than its period it runs ``inv backup.create --kind K``
(a child process: dump, verify, manifest) and then ``inv backup.prune``. WAL needs no
schedule: the cluster archives each segment as it fills, and at least every
``PLATFORM_BACKUP_WAL_SECONDS`` while anything writes.

``/metrics`` shows ``backup_last_good_age_seconds{kind}`` (absent while there is no
good backup), ``backup_last_good_timestamp_seconds{kind}`` and the outcomes of the
scheduled runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from datetime import UTC, datetime

from core.settings import Settings
from gateway.metrics import Metrics
from ops.backups.manifest import KINDS, Kind, Store, scheduled_hours, scope

logger = logging.getLogger(__name__)

#: Seconds between looks at the manifests.
CHECK_SECONDS = 60.0
#: A failed scheduled backup is tried again after this many seconds at the earliest.
RETRY_SECONDS = 900.0
#: Seconds one scheduled backup (with its verification) may take.
RUN_TIMEOUT_SECONDS = 6 * 3600


class BackupSchedule:
    """Takes the due backups of one data folder; exports their age to `Metrics`."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.store = Store(settings.backups_dir)
        self.periods: dict[Kind, float] = {
            kind: scheduled_hours(settings, kind) * 3600 for kind in KINDS
        }
        self._last_attempt: dict[Kind, float] = {}

    @property
    def enabled(self) -> bool:
        return any(period > 0 for period in self.periods.values())

    def _database(self, kind: Kind) -> str | None:
        return scope(kind, self.settings.db_name)

    def refresh_metrics(self, at: datetime | None = None) -> None:
        """Set the last-good-backup gauges from the manifests on disk."""
        at = datetime.now(UTC) if at is None else at
        for kind in KINDS:
            latest = self.store.latest(kind, database=self._database(kind))
            if latest is None:
                for gauge in (self.metrics.backup_age, self.metrics.backup_timestamp):
                    with contextlib.suppress(KeyError):  # never set yet
                        gauge.remove(kind)
                continue
            finished = latest.finished()
            self.metrics.backup_age.labels(kind).set((at - finished).total_seconds())
            self.metrics.backup_timestamp.labels(kind).set(finished.timestamp())

    def due(self, at: datetime | None = None) -> list[Kind]:
        """The kinds whose newest good backup is older than their period."""
        at = datetime.now(UTC) if at is None else at
        kinds: list[Kind] = []
        for kind, period in self.periods.items():
            if period <= 0:
                continue
            attempted = self._last_attempt.get(kind)
            if attempted is not None and time.monotonic() - attempted < min(period, RETRY_SECONDS):
                continue
            latest = self.store.latest(kind, database=self._database(kind))
            if latest is None or (at - latest.finished()).total_seconds() >= period:
                kinds.append(kind)
        return kinds

    async def run(self) -> None:
        """Check every `CHECK_SECONDS` until cancelled; a failure never ends the loop."""
        logger.info(
            "backups: logical every %gh, physical every %gh (0: off), kept %g days",
            self.settings.backup_logical_hours,
            self.settings.backup_physical_hours,
            self.settings.backup_keep_days,
        )
        while True:
            try:
                for kind in await asyncio.to_thread(self.due):
                    await self.take(kind)
            except Exception:
                logger.exception("backups: the schedule failed; trying again later")
            await asyncio.sleep(CHECK_SECONDS)

    async def take(self, kind: Kind) -> bool:
        """``inv backup.create --kind KIND`` then ``inv backup.prune``; True when good."""
        self._last_attempt[kind] = time.monotonic()
        logger.info("backups: taking a %s backup", kind)
        ok = await self._inv("backup.create", "--kind", kind)
        self.metrics.backup_runs.labels(kind, "good" if ok else "failed").inc()
        if ok:
            await self._inv("backup.prune")
        await asyncio.to_thread(self.refresh_metrics)
        return ok

    async def _inv(self, *args: str) -> bool:
        argv = [sys.executable, "-m", "invoke", *args]
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=self.settings.project_root,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            async with asyncio.timeout(RUN_TIMEOUT_SECONDS):
                output, _ = await proc.communicate()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            logger.error(
                "backups: inv %s did not finish in %ds", " ".join(args), RUN_TIMEOUT_SECONDS
            )
            return False
        text = output.decode(errors="replace").strip()
        if proc.returncode != 0:
            logger.error("backups: inv %s FAILED:\n%s", " ".join(args), text[-4000:])
            return False
        last = text.splitlines()[-1] if text else ""
        logger.info("backups: inv %s: %s", " ".join(args), last)
        return True
