"""Retention: backups older than the kept days go; the newest good one of each kind stays."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta

from ops.backups.manifest import KINDS, Manifest, Store

logger = logging.getLogger(__name__)


def expired(store: Store, keep_days: float, at: datetime) -> list[Manifest]:
    """The backups `prune` removes: finished before ``at - keep_days``, except the newest
    good backup of each kind (a database never stays without a good backup)."""
    cutoff = at - timedelta(days=keep_days)
    doomed: list[Manifest] = []
    for kind in KINDS:
        newest_good = store.latest(kind)
        doomed += [
            m
            for m in store.all(kind)
            if m.finished() < cutoff and (newest_good is None or m.id != newest_good.id)
        ]
    return doomed


def prune(store: Store, keep_days: float, at: datetime) -> list[Manifest]:
    """Remove the `expired` backups' folders; what was removed."""
    doomed = expired(store, keep_days, at)
    for manifest in doomed:
        shutil.rmtree(store.folder(manifest), ignore_errors=True)
        logger.info("retention: removed backup %s (%s)", manifest.id, manifest.finished_at)
    return doomed
