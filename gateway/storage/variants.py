"""Image variants, made in the background by worker tasks of the gateway.

SQL is the queue of record: a ready image of a bucket that declares variants has
``variants_status = 'pending'`` until they exist. `feed` reads those rows
(``storage_private.pending_variants``) into a bounded in-process queue when woken by
an upload (`nudge`) and every `POLL_SECONDS` (so nothing is lost to a full queue or a
restart); each of the ``workers`` tasks takes one image, makes all its variants in a
thread pool (Pillow; the event loop never waits for it), then, in one transaction as
``platform_jobs``, records them (``storage_private.set_variants``, which locks the
object and checks it was not replaced meanwhile), renames the files into place and
commits. The row's change is an event (``storage.object.variants_ready``) to the
uploader through the outbox and the realtime gateway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from gateway.metrics import Metrics
from gateway.storage import images
from gateway.storage.errors import StorageError
from gateway.storage.jobs_db import JobsDb
from gateway.storage.tree import Placed, Tree
from gateway.storage.woken import run_when_woken

logger = logging.getLogger(__name__)

POLL_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    object_id: str
    sha256: str
    file: str
    targets: list[dict[str, Any]]


class Variants:
    """The variant workers of one gateway."""

    def __init__(
        self,
        jobs: JobsDb,
        tree: Tree,
        metrics: Metrics,
        pillow: ThreadPoolExecutor,
        *,
        workers: int,
        queue_size: int,
        max_pixels: int,
    ) -> None:
        self.jobs = jobs
        self.tree = tree
        self.metrics = metrics
        self.workers = workers
        self.max_pixels = max_pixels
        self.queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=queue_size)
        self._queued: set[str] = set()
        self._wake = asyncio.Event()
        #: Shared with the uploads' image checks: at most this many images in memory.
        self._pool = pillow
        self.made = 0

    def nudge(self) -> None:
        self._wake.set()

    async def feed(self) -> None:
        await run_when_woken(self._wake, POLL_SECONDS, self.fill, "storage variants")

    async def fill(self) -> int:
        """Queue pending images up to the queue's free room; how many were added."""
        room = self.queue.maxsize - self.queue.qsize()
        if room <= 0:
            return 0
        async with self.jobs.transaction() as conn:
            cur = await conn.execute(
                "select object_id::text, sha256, file, targets"
                " from storage_private.pending_variants(%s)",
                (room + len(self._queued),),
            )
            rows = await cur.fetchall()
        added = 0
        for object_id, sha256, file, targets in rows:
            if object_id in self._queued or self.queue.full():
                continue
            self._queued.add(object_id)
            self.queue.put_nowait(Job(object_id, sha256, file, list(targets or [])))
            added += 1
        self.metrics.storage_variant_queue.set(self.queue.qsize())
        return added

    async def work(self) -> None:
        while True:
            job = await self.queue.get()
            self.metrics.storage_variant_queue.set(self.queue.qsize())
            try:
                await self.make(job)
            except (psycopg.Error, OSError) as exc:
                logger.warning("storage variants: %s: %s (tried again later)", job.object_id, exc)
                await asyncio.sleep(1)
            except Exception:
                logger.exception("storage variants: %s failed", job.object_id)
            finally:
                self._queued.discard(job.object_id)
                self.queue.task_done()

    async def make(self, job: Job) -> bool:
        """Make and record one image's variants; False when the object changed meanwhile."""
        clock = time.monotonic()
        temps = {str(t["name"]): self.tree.temp(Path(str(t["file"])).suffix) for t in job.targets}
        loop = asyncio.get_running_loop()
        results: dict[str, Any]
        try:
            made = await loop.run_in_executor(
                self._pool,
                images.make_variants,
                self.tree.file(job.file),
                job.targets,
                temps,
                self.max_pixels,
            )
            results = {name: facts.as_json() for name, facts in made.items()}
        except StorageError as exc:
            results = {"error": exc.message}
        except (OSError, ValueError) as exc:
            results = {"error": str(exc)}
        placed: list[Placed] = []
        try:
            async with self.jobs.transaction() as conn:
                cur = await conn.execute(
                    "select storage_private.set_variants(%s, %s, %s)",
                    (job.object_id, job.sha256, json.dumps(results)),
                )
                row = await cur.fetchone()
                current = bool(row and row[0])
                if current and "error" not in results:
                    for target in job.targets:
                        placed.append(
                            self.tree.place(temps[str(target["name"])], str(target["file"]))
                        )
        except BaseException:
            for p in placed:
                p.undo()
            raise
        finally:
            for temp in temps.values():
                temp.unlink(missing_ok=True)
        for p in placed:
            p.done()
        self.metrics.storage_variant_seconds.observe(time.monotonic() - clock)
        if "error" in results:
            logger.warning("storage variants: %s: %s", job.object_id, results["error"])
        elif current:
            self.made += 1
        return current
