"""The file keeper: files leave the disk when their rows leave SQL, and nothing else stays.

* **Deletion queue.** Deleting a ready object (the gateway's DELETE, PostgREST's
  ``DELETE /objects``, an account's deletion, a PUT replacing variants) queues its files
  in ``storage_private.deleted_files`` in the same transaction, and NOTIFY
  ``storage_files`` wakes `listen`. `drain` claims queued entries
  (``storage_private.claim_deletions``: each object path locked, files a row holds again
  left alone), removes the files, marks the entries done and commits: a removal and an
  upload's rename of the same path never interleave. It also runs every
  `POLL_SECONDS`, in case a notification was missed.
* **Orphan sweep.** Every ``PLATFORM_STORAGE_SWEEP_SECONDS`` `sweep` walks the trees:
  files older than ``PLATFORM_STORAGE_ORPHAN_GRACE`` that no row holds
  (``storage_private.claim_orphans``, under the same locks) are removed, and so are
  temporary files of uploads that never finished. Rows stuck pending are SQL's job
  (``storage.sweep_pending``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from gateway.backoff import backoff_seconds
from gateway.metrics import Metrics
from gateway.storage.jobs_db import JobsDb
from gateway.storage.tree import TMP, TREES, Tree
from gateway.storage.woken import run_when_woken

logger = logging.getLogger(__name__)

CHANNEL = "storage_files"
POLL_SECONDS = 30.0
CLAIM_ROWS = 200
SWEEP_BATCH = 500


class Keeper:
    """Removes queued and orphaned files of one storage tree."""

    def __init__(
        self,
        jobs: JobsDb,
        jobs_url: Callable[[], str | None],
        tree: Tree,
        metrics: Metrics,
        *,
        sweep_seconds: float,
        grace_seconds: float,
    ) -> None:
        self.jobs = jobs
        self._jobs_url = jobs_url
        self.tree = tree
        self.metrics = metrics
        self.sweep_seconds = sweep_seconds
        self.grace_seconds = grace_seconds
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.listening = False
        self.last_sweep: dict[str, float] = {}

    def nudge(self) -> None:
        self._wake.set()

    # --- loops ------------------------------------------------------------------------

    async def listen(self) -> None:
        """LISTEN storage_files on a dedicated connection; every note wakes `run`."""
        failures = 0
        while True:
            try:
                url = self._jobs_url()
                if url is None:
                    raise OSError("no platform_jobs URL yet")
                conn = await psycopg.AsyncConnection.connect(
                    url, autocommit=True, connect_timeout=5
                )
                async with conn:
                    await conn.execute(f"listen {CHANNEL}")
                    self.listening = True
                    failures = 0
                    self.nudge()  # what was queued while we were away
                    async for _ in conn.notifies():
                        self.nudge()
            except (psycopg.Error, OSError) as exc:
                logger.warning("storage keeper: listener: %s; reconnecting", exc)
            finally:
                self.listening = False
            failures += 1
            await asyncio.sleep(backoff_seconds(failures))

    async def run(self) -> None:
        """Drain the deletion queue whenever woken (or every `POLL_SECONDS`)."""
        await run_when_woken(self._wake, POLL_SECONDS, self.drain, "storage keeper")

    async def sweeping(self) -> None:
        """The orphan sweep every ``sweep_seconds`` (the first one right away)."""
        while True:
            try:
                await self.sweep()
            except (psycopg.Error, OSError) as exc:
                logger.warning("storage sweep: %s", exc)
            await asyncio.sleep(self.sweep_seconds)

    # --- one round --------------------------------------------------------------------

    async def drain(self) -> int:
        """Remove every queued file now; how many were removed."""
        removed = 0
        async with self._lock:
            while True:
                async with self.jobs.transaction() as conn:
                    cur = await conn.execute(
                        "select id, files from storage_private.claim_deletions(%s)", (CLAIM_ROWS,)
                    )
                    rows = await cur.fetchall()
                    if not rows:
                        return removed
                    files = [f for _, batch in rows for f in batch]
                    removed += await asyncio.to_thread(self._remove_all, files)
                    await conn.execute(
                        "select storage_private.finish_deletions(%s)", ([r[0] for r in rows],)
                    )
                self.metrics.storage_files_removed.labels("deleted").inc(len(files))

    def _remove_all(self, files: list[str]) -> int:
        return sum(1 for f in files if self.tree.remove(f))

    async def sweep(self) -> dict[str, int]:
        """Remove orphaned files and stale temporary uploads; counts by kind."""
        clock = time.monotonic()
        cutoff = time.time() - self.grace_seconds
        candidates, temps = await asyncio.to_thread(self._walk, cutoff)
        orphans = 0
        for start in range(0, len(candidates), SWEEP_BATCH):
            batch = candidates[start : start + SWEEP_BATCH]
            async with self.jobs.transaction() as conn:
                cur = await conn.execute("select storage_private.claim_orphans(%s)", (batch,))
                claimed = [str(r[0]) for r in await cur.fetchall()]
                orphans += await asyncio.to_thread(self._remove_all, claimed)
        stale = await asyncio.to_thread(_unlink_all, temps)
        self.metrics.storage_files_removed.labels("orphan").inc(orphans)
        self.metrics.storage_files_removed.labels("stale_upload").inc(stale)
        self.last_sweep = {
            "at": time.time(),
            "seconds": round(time.monotonic() - clock, 3),
            "files_seen": len(candidates),
            "orphans": orphans,
            "stale_uploads": stale,
        }
        if orphans or stale:
            logger.info(
                "storage sweep: removed %d orphaned files, %d stale uploads", orphans, stale
            )
        return {"orphans": orphans, "stale_uploads": stale}

    def _walk(self, cutoff: float) -> tuple[list[str], list[Path]]:
        """Files of both trees older than ``cutoff`` (relative names), and old temp files."""
        found: list[str] = []
        root = self.tree.root
        for tree in TREES:
            for folder, _, names in os.walk(root / tree):
                for name in names:
                    path = Path(folder) / name
                    with contextlib.suppress(FileNotFoundError):
                        if path.stat().st_mtime < cutoff:
                            found.append(path.relative_to(root).as_posix())
        temps: list[Path] = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(root / TMP):
                with contextlib.suppress(FileNotFoundError):
                    # A hard link kept while a file is replaced (tree.Placed) is new but
                    # has the old file's mtime: its ctime tells its age.
                    stat = entry.stat()
                    age = stat.st_ctime if entry.name.endswith(".previous") else stat.st_mtime
                    if entry.is_file() and age < cutoff:
                        temps.append(Path(entry.path))
        return found, temps


def _unlink_all(paths: list[Path]) -> int:
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed
