"""Logical backups: ``pg_dump --format=custom`` in a snapshot whose checksums we keep.

`create` opens a repeatable-read transaction, exports its snapshot, and runs pg_dump
with ``--snapshot`` while it sums every table in that same snapshot (both at once: the
dump and the checksums each keep one core busy), so the manifest describes exactly the
rows the dump holds. `restore_into` runs ``pg_restore --jobs`` into a new database, in
two runs (the index builds that are not B-trees last: `ops.backups.toc`), and reports
progress item by item (``--verbose`` against the archive's table of contents).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from core.errors import OpsError
from ops.backups import checksums, files, toc, tools
from ops.backups.manifest import FileEntry, Manifest, Store, new_id, now, sha256_of
from ops.database import connect, translate_errors
from ops.progress import Progress

logger = logging.getLogger(__name__)

DUMP_FILE = "dump.pgdump"
Say = Callable[[str], None]
T = TypeVar("T")

_ITEM = re.compile(r"pg_restore: (?:processing|finished) item (\d+) ")


def create(
    url: str,
    store: Store,
    *,
    compress: int,
    jobs: int = 2,
    say: Say = print,
    storage_dir: Path | None = None,
) -> Manifest:
    """Dump the database at ``url`` (a superuser URL) into a new backup folder, gzip level
    ``compress`` (0-9; ``PLATFORM_BACKUP_COMPRESS``), with the stored files of its ready
    objects from ``storage_dir`` (`ops.backups.files`)."""
    started = now()
    manifest = Manifest(
        id=new_id("logical", started),
        kind="logical",
        database=tools.database_of(url),
        started_at=started.isoformat(),
        method=f"pg_dump --format=custom --compress={compress} --snapshot=<exported snapshot>",
    )
    folder = store.new_folder("logical", manifest.id)
    dump = folder / DUMP_FILE
    clock = time.monotonic()
    try:
        stored = _dump(url, manifest, dump, jobs, compress, say, storage_dir)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no half-made backup is left to list
        raise
    manifest.files = {DUMP_FILE: sha256_of(dump), **stored}
    manifest.finished_at = now().isoformat()
    manifest.duration_seconds = round(time.monotonic() - clock, 3)
    store.save(manifest)
    say(
        f"backup {manifest.id}: {manifest.size_bytes / 1e6:,.1f} MB, {len(manifest.tables)} "
        f"tables, {manifest.rows:,} rows in {manifest.duration_seconds:.1f} s"
    )
    return manifest


def _dump(
    url: str,
    manifest: Manifest,
    dump: Path,
    jobs: int,
    compress: int,
    say: Say,
    storage_dir: Path | None,
) -> dict[str, FileEntry]:
    """pg_dump into ``dump`` while the tables are summed, both in one exported snapshot;
    the stored files of that snapshot's objects are linked beside it first."""
    doing = "start the backup's snapshot"
    with translate_errors(doing), connect(url, doing) as conn:
        # No stored file is renamed or removed between the snapshot and the links.
        with files.files_frozen(url) if storage_dir is not None else contextlib.nullcontext():
            conn.execute("begin isolation level repeatable read read only")
            row = conn.execute("select pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = row.fetchone() or ("", "")
            stored: dict[str, FileEntry] = {}
            if storage_dir is not None:
                wanted = files.listed(conn)
                stored, missing = files.snapshot_files(wanted, storage_dir, dump.parent, say)
                if missing:
                    raise files.missing_files_error(missing, storage_dir)
        manifest.server_version = str(version)
        say(f"backup {manifest.id}: pg_dump of {manifest.database} into {dump}")
        with ThreadPoolExecutor(max_workers=1) as pool:
            sums = pool.submit(
                checksums.table_sums, url, snapshot=str(snapshot), jobs=max(1, jobs - 1)
            )
            tools.run(
                "pg_dump",
                [
                    "--format=custom",
                    f"--compress={compress}",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                url,
                what="pg_dump",
                hint="read the message above; nothing was kept of this backup",
            )
            manifest.tables = sums.result()
        conn.rollback()
    return stored


def check_files(manifest: Manifest, folder: Path) -> list[str]:
    """Problems with the backup's files against the manifest's sizes and SHA-256."""
    problems: list[str] = []
    for name, want in manifest.files.items():
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing from {folder}")
            continue
        got = sha256_of(path)
        if got.sha256 != want.sha256:
            problems.append(
                f"{name}: sha256 {got.sha256[:16]}… differs from the manifest's "
                f"{want.sha256[:16]}… ({got.bytes:,} bytes, manifest {want.bytes:,}): "
                "the file is corrupted or was changed"
            )
    return problems


#: Settings of pg_restore's sessions: index builds sort in memory instead of spilling to
#: disk (one such sort per job).
RESTORE_OPTIONS = "-c maintenance_work_mem=256MB"
#: With a server built with LZ4, values moved to TOAST are compressed with it: the
#: compression of a million articles' text and search vectors takes a quarter of the
#: table's load with pglz, the default. Readers see the same values.
LZ4_OPTION = "-c default_toast_compression=lz4"


def restore_options(url: str) -> str:
    """``PGOPTIONS`` for pg_restore into the server at ``url``."""
    doing = "reading the server's TOAST compression methods"
    with translate_errors(doing), connect(url, doing) as conn:
        row = conn.execute(
            "select 'lz4' = any(enumvals) from pg_catalog.pg_settings"
            " where name = 'default_toast_compression'"
        ).fetchone()
    return f"{RESTORE_OPTIONS} {LZ4_OPTION}" if row and row[0] else RESTORE_OPTIONS


def restore_into(
    dump: Path,
    url: str,
    *,
    jobs: int = 2,
    label: str = "restore",
    show: bool = True,
    beside_last_builds: Callable[[int], T] | None = None,
) -> T | None:
    """``pg_restore --jobs`` of ``dump`` into the existing, empty database at ``url``.

    Two runs (`ops.backups.toc`): everything but the index builds that are not B-trees,
    then those. ``beside_last_builds``, when given, runs in a thread once every table is
    loaded and every B-tree index and constraint exists, as soon as the second run has
    fewer builds left than ``jobs`` (a core would otherwise wait idle for the slowest
    build), with the number of connections it may use (1 beside builds, else ``jobs``);
    its result is returned when both are done. Stops at the first error
    (``--exit-on-error``). With ``show``, a progress bar counts the archive's items as
    pg_restore finishes them.
    """
    contents = toc.read(dump)
    last = toc.last_builds(contents, toc.index_methods(dump))
    plain, env = tools.split_password(url)
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {restore_options(url)}".strip()
    seen: set[str] = set()
    slot_free = threading.Event()
    with contextlib.ExitStack() as stack:
        stream = None if show else stack.enter_context(open(os.devnull, "w"))
        bar = Progress(label, len(contents.lines), stream=stream)
        lists = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pg_restore-")))

        def free_slot() -> None:
            if len(last - seen) < jobs:
                slot_free.set()

        def finished(item: str) -> None:
            if item not in seen:
                seen.add(item)
                bar.advance(1)
            free_slot()

        def run(items: set[str], name: str) -> None:
            _pg_restore(dump, plain, env, jobs, toc.write_list(contents, items, lists / name),
                        finished)  # fmt: skip

        def beside(work: Callable[[int], T], connections: int) -> T | None:
            slot_free.wait()
            return None if failed else work(connections)

        failed = False
        run(set(contents.lines) - last, "first")
        logger.info("pg_restore: %d items restored, %d index builds left", len(seen), len(last))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        waiting = (
            None
            if beside_last_builds is None
            else pool.submit(beside, beside_last_builds, 1 if last else jobs)
        )
        try:
            free_slot()  # fewer builds than jobs: no need to wait
            if last:
                run(last, "last")
        except BaseException:
            failed = True
            raise
        finally:
            slot_free.set()
        result = None if waiting is None else waiting.result()
        bar.done = bar.total
        bar.__exit__(None, None, None)
        return result


def _pg_restore(
    dump: Path, dbname: str, env: dict[str, str], jobs: int, listed: Path,
    finished: Callable[[str], None],
) -> None:  # fmt: skip
    """One ``pg_restore --use-list`` run; ``finished`` is called with each item's id."""
    argv = [str(tools.program("pg_restore")), "--verbose", "--exit-on-error",
            f"--jobs={max(1, jobs)}", f"--use-list={listed}", f"--dbname={dbname}",
            str(dump)]  # fmt: skip
    errors: list[str] = []
    # A damaged archive makes pg_restore print bytes that are not UTF-8: keep reading.
    with subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                          encoding="utf-8", errors="replace") as proc:  # fmt: skip
        assert proc.stderr is not None
        for line in proc.stderr:
            match = _ITEM.match(line)
            if match is not None:
                finished(match.group(1))
            elif "error" in line.lower():
                errors.append(line.strip())
        code = proc.wait()
    if code != 0:
        detail = "\n".join(errors[-5:]) or f"exit {code}"
        raise OpsError(
            f"pg_restore of {dump} failed: {detail}",
            "the archive may be damaged (`inv backup.verify`), or the target not empty",
        )
