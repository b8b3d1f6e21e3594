"""Verification: is a backup whole, and does it restore to exactly the source's rows?

Logical backups, in order (the first failure stops the rest):

1. every file's SHA-256 against the manifest (a flipped byte is caught here, before
   anything is restored);
2. ``pg_restore --list`` reads the archive's table of contents;
3. ``pg_restore --jobs`` into a throwaway cluster made for this verification
   (`ops.backups.throwaway`: no WAL, no fsync, the source's roles; a scratch database of
   the source server when that server runs another major version than this machine),
   which starts while step 1 runs;
4. every table's row count and checksum against the manifest (the source's snapshot);
5. ``pg_amcheck --heapallindexed`` on the restored copy (heap and B-tree structure,
   every heap tuple found in its indexes).

Steps 4 and 5 run beside the restore's last index builds (the ones that are not
B-trees, which pg_amcheck does not check: `ops.backups.toc`), once every table is
loaded and every B-tree and constraint exists: on two cores, the second one otherwise
waits idle for the slowest build to end.

then the throwaway cluster (or scratch database) is deleted. The result goes into the
manifest: ``good`` only when every step passed.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from core.errors import OpsError
from ops.backups import checksums, files, logical, throwaway, toc, tools
from ops.backups.manifest import Manifest, Store, Verification, now
from ops.backups.scratch import scratch_database

logger = logging.getLogger(__name__)

Say = Callable[[str], None]


class VerificationFailed(OpsError):
    """A backup failed verification; it is marked bad and never counted as good."""


def amcheck(url: str, jobs: int, *, every_database: bool = False) -> list[str]:
    """Problems pg_amcheck reports on the database at ``url`` (empty when clean); with
    ``every_database``, on every database of its server."""
    args = ["--install-missing", "--heapallindexed", f"--jobs={max(1, jobs)}"]
    if every_database:
        plain, env = tools.split_password(url)
        argv = [str(tools.program("pg_amcheck")), *args, "--all", f"--maintenance-db={plain}"]
        result = subprocess.run(
            argv, capture_output=True, encoding="utf-8", errors="replace", env=env, check=False
        )
        output = (result.stderr + result.stdout).strip()
        return [] if result.returncode == 0 else [f"pg_amcheck: {output[-2000:]}"]
    try:
        tools.run("pg_amcheck", args, url, what="pg_amcheck", hint="", positional=True)
    except OpsError as exc:
        return [exc.message]
    return []


def verify_logical(
    manifest: Manifest, store: Store, url: str, *, jobs: int = 2, say: Say = print
) -> Verification:
    """Verify the logical backup ``manifest`` by restoring it on the server of ``url``."""
    started = now()
    clock = time.monotonic()
    result = Verification(ok=False, started_at=started.isoformat(), duration_seconds=0.0)
    folder = store.folder(manifest)
    dump = folder / logical.DUMP_FILE

    def step(name: str, since: float) -> None:
        result.steps[name] = round(time.monotonic() - since, 3)

    try:
        # The throwaway cluster starts while the files' SHA-256 are checked.
        with ThreadPoolExecutor(max_workers=1) as pool:
            t = time.monotonic()
            files = pool.submit(logical.check_files, manifest, folder)
            with restore_target(manifest, store, url) as (scratch_url, where):
                result.checks.append("sha256 and size of every file")
                result.problems += files.result()
                step("sha256", t)
                if not result.problems:
                    result.checks.append("pg_restore --list reads the archive")
                    try:
                        toc.read(dump)
                    except OpsError as exc:
                        result.problems.append(exc.message)
                if not result.problems:
                    _restore_and_compare(manifest, dump, scratch_url, where, jobs, result, say)
    finally:
        result.ok = not result.problems
        result.duration_seconds = round(time.monotonic() - clock, 3)
        record(manifest, store, result)
    return result


def _restore_and_compare(
    manifest: Manifest,
    dump: Path,
    url: str,
    where: str,
    jobs: int,
    result: Verification,
    say: Say,
) -> None:
    """Restore ``dump`` into the empty database at ``url``; compare every table with the
    manifest and run pg_amcheck beside the last index builds (`ops.backups.toc`)."""

    def compare_and_check(connections: int) -> list[str]:
        t = time.monotonic()
        result.checks.append(
            f"rows and checksum of {len(manifest.tables)} tables against the source "
            "(beside the last index builds)"
        )
        say(f"verify {manifest.id}: comparing every table with the source snapshot")
        restored = checksums.table_sums(url, jobs=connections, method=manifest.checksum_method)
        problems = checksums.compare(manifest.tables, restored)
        result.steps["checksums"] = round(time.monotonic() - t, 3)
        if not problems:
            result.checks.append("every stored file of the restored objects against its copy")
            say(f"verify {manifest.id}: comparing the restored objects with the stored files")
            problems += files.compare_with_rows(manifest, url)
        if not problems:
            t = time.monotonic()
            result.checks.append("pg_amcheck --heapallindexed of the restored copy")
            say(f"verify {manifest.id}: pg_amcheck of the restored copy")
            problems += amcheck(url, connections)
            result.steps["amcheck"] = round(time.monotonic() - t, 3)
        return problems

    t = time.monotonic()
    result.checks.append(f"pg_restore --jobs={jobs} into {where}")
    say(f"verify {manifest.id}: restoring into {where}")
    try:
        result.problems += (
            logical.restore_into(
                dump, url, jobs=jobs, label="verify restore", beside_last_builds=compare_and_check
            )
            or []
        )
    except OpsError as exc:
        result.problems.append(exc.message)
    result.steps["restore"] = round(time.monotonic() - t, 3)


@contextmanager
def restore_target(manifest: Manifest, store: Store, url: str) -> Iterator[tuple[str, str]]:
    """Where the verification of ``manifest`` restores: the URL of an empty database, and
    what it is. Deleted on exit."""
    if throwaway.usable(url):
        folder = store.root / "scratch" / f"verify-{manifest.id}"
        with throwaway.throwaway_cluster(url, folder) as target:
            yield target, "a throwaway cluster (no WAL, no fsync)"
        return
    scratch = f"verify_{manifest.id}".replace("-", "_")
    with scratch_database(url, scratch) as target:
        yield target, f"scratch database {scratch} of the source server"


def record(manifest: Manifest, store: Store, result: Verification) -> None:
    """Write the result into the manifest; a failure is logged loudly."""
    manifest.verification = result
    manifest.status = "good" if result.ok else "bad"
    store.save(manifest)
    if not result.ok:
        logger.error("backup %s FAILED verification: %s", manifest.id, "; ".join(result.problems))


def raise_if_bad(manifest: Manifest) -> None:
    """Raise `VerificationFailed`, saying what to do, unless ``manifest`` is good."""
    result = manifest.verification
    if manifest.good or result is None:
        return
    lines = "\n".join(f"  - {problem}" for problem in result.problems)
    raise VerificationFailed(
        f"BACKUP {manifest.id} FAILED VERIFICATION; it is marked bad and will never be "
        f"used or counted as good:\n{lines}",
        "the lines above say what failed (a damaged file: disk, or something writing "
        "into the backups folder); fix that and take a new backup (`inv backup.create`); "
        "keep this one for inspection or delete its folder",
    )
