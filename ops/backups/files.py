"""Uploaded files in logical backups: copied with the rows, verified against them, restored
with them.

**Taking.** While the backup's snapshot is made, `snapshot_files` holds the storage files
lock exclusively (``pg_advisory_lock(21332, 1)``; every rename or removal of a stored
file takes it shared inside its transaction: ``storage_private.lock_files``), lists
the files the snapshot's ready objects hold (``storage_private.files()``: originals
and variants) and hard-links each into ``<backup>/files/<public|private>/<bucket>/<path>``
(a copy when the backup folder is on another file system). Stored files are never
changed in place (a replacement is a rename, a deletion an unlink), so a hard link
keeps the bytes the rows describe. Each copy's size and SHA-256 go into the manifest's
``files`` (``files/public/...``), like the dump's.

**Verifying.** The manifest's SHA-256 of every copy is checked with the dump's
(`ops.backups.logical.check_files`); after the restore, `compare_with_rows` checks that
the restored rows and the copies agree: every file a ready object holds is in the
backup with the row's size and SHA-256, and the backup holds no other file.

**Restoring.** `restore_files` builds the files of the backup beside the target folder
(links or copies), then swaps it in: the storage folder then holds exactly the files of
the restored rows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import OpsError
from ops.backups.manifest import FileEntry, Manifest, sha256_of
from ops.database import connect, translate_errors
from ops.progress import Progress

Say = Callable[[str], None]

#: The prefix of stored files in a backup folder and in its manifest's ``files``.
FILES = "files"
#: The key of the files lock (functions/core/storage_uploads: storage_private.lock_files).
LOCK_KEY = (21332, 1)
HAS_STORAGE = "select to_regprocedure('storage_private.files()') is not null"
LIST_FILES = "select file, bytes, sha256 from storage_private.files() order by file"


def has_storage(conn: object) -> bool:
    row = conn.execute(HAS_STORAGE).fetchone()  # type: ignore[attr-defined]
    return bool(row and row[0])


@contextmanager
def files_frozen(url: str) -> Iterator[None]:
    """Hold the files lock exclusively (no stored file is renamed or removed meanwhile)."""
    doing = "lock the storage files for the backup"
    with translate_errors(doing), connect(url, doing, autocommit=True) as conn:
        if not has_storage(conn):
            yield
            return
        conn.execute("select pg_advisory_lock(%s, %s)", LOCK_KEY)
        try:
            yield
        finally:
            conn.execute("select pg_advisory_unlock(%s, %s)", LOCK_KEY)


def listed(conn: object) -> list[tuple[str, int, str]]:
    """The files the ready objects hold, in the connection's snapshot."""
    if not has_storage(conn):
        return []
    rows = conn.execute(LIST_FILES).fetchall()  # type: ignore[attr-defined]
    return [(str(f), int(b), str(s)) for f, b, s in rows]


def snapshot_files(
    wanted: list[tuple[str, int, str]], storage_dir: Path, folder: Path, say: Say
) -> tuple[dict[str, FileEntry], list[str]]:
    """Link (or copy) each wanted file into ``folder/files``; the manifest entries of the
    copies, and the files missing from the storage folder."""
    entries: dict[str, FileEntry] = {}
    missing: list[str] = []
    if not wanted:
        return entries, missing
    total = sum(b for _, b, _ in wanted)
    say(f"backup: {len(wanted):,} stored files ({total / 1e6:,.1f} MB) from {storage_dir}")
    with Progress("stored files", total) as bar:
        for name, size, _ in wanted:
            source = storage_dir / name
            target = folder / FILES / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                _link_or_copy(source, target)
            except FileNotFoundError:
                missing.append(name)
                continue
            entries[f"{FILES}/{name}"] = sha256_of(target)
            bar.advance(size)
    return entries, missing


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copy2(source, target)


def compare_with_rows(manifest: Manifest, url: str) -> list[str]:
    """Problems between the restored rows (``storage_private.files()`` at ``url``) and the
    backup's copies of the stored files (empty when they agree)."""
    doing = "compare the restored objects with the backup's files"
    with translate_errors(doing), connect(url, doing) as conn:
        rows = listed(conn)
    copies = {
        name[len(FILES) + 1 :]: entry
        for name, entry in manifest.files.items()
        if name.startswith(f"{FILES}/")
    }
    problems: list[str] = []
    for name, size, sha in rows:
        copy = copies.pop(name, None)
        if copy is None:
            problems.append(f"stored file {name} of a restored object is not in the backup")
        elif (copy.bytes, copy.sha256) != (size, sha):
            problems.append(
                f"stored file {name}: the backup's copy ({copy.bytes:,} bytes, sha256 "
                f"{copy.sha256[:16]}…) differs from its object ({size:,} bytes, {sha[:16]}…)"
            )
    problems += [
        f"stored file {name} is in the backup but no restored object holds it"
        for name in sorted(copies)
    ]
    return problems


def restore_files(manifest: Manifest, folder: Path, storage_dir: Path, say: Say) -> int:
    """Make ``storage_dir`` hold exactly the backup's stored files; how many."""
    copies = [name for name in manifest.files if name.startswith(f"{FILES}/")]
    staging = storage_dir.with_name(storage_dir.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    for tree in ("public", "private", ".tmp"):
        (staging / tree).mkdir(parents=True, exist_ok=True)
    total = sum(manifest.files[name].bytes for name in copies)
    say(f"restore: {len(copies):,} stored files ({total / 1e6:,.1f} MB) into {storage_dir}")
    with Progress("stored files", total) as bar:
        for name in copies:
            target = staging / name[len(FILES) + 1 :]
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(folder / name, target)
            bar.advance(manifest.files[name].bytes)
    previous = storage_dir.with_name(f"{storage_dir.name}.replaced-{int(time.time())}")
    if storage_dir.exists():
        storage_dir.rename(previous)
    staging.rename(storage_dir)
    with contextlib.suppress(OSError):
        shutil.rmtree(previous)
    return len(copies)


def missing_files_error(missing: list[str], storage_dir: Path) -> OpsError:
    shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    return OpsError(
        f"{len(missing)} files of ready objects are missing from {storage_dir}: {shown}",
        "is PLATFORM_STORAGE_DIR right? If the files are lost, delete their objects "
        "(DELETE /storage/object/...) or put the files back, then take the backup again",
    )


def check_copies(manifest: Manifest, folder: Path) -> list[str]:
    """Problems with the backup's copies of stored files against the manifest's SHA-256."""
    problems: list[str] = []
    for name, want in manifest.files.items():
        if not name.startswith(f"{FILES}/"):
            continue
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing from {folder}")
        elif sha256_of(path).sha256 != want.sha256:
            problems.append(f"{name}: sha256 differs from the manifest's: the copy is damaged")
    return problems


def bring_back(
    url: str, storage_dir: Path, backups: list[tuple[Manifest, Path]], say: Say
) -> list[str]:
    """After a point-in-time recovery: put back, from the backups' copies (newest first),
    the files the recovered rows hold that the storage folder lacks; the files still
    missing."""
    doing = "list the recovered objects' files"
    with translate_errors(doing), connect(url, doing) as conn:
        rows = listed(conn)
    missing: list[str] = []
    restored = 0
    for name, _size, sha in rows:
        target = storage_dir / name
        if target.exists():
            continue
        for manifest, folder in backups:
            entry = manifest.files.get(f"{FILES}/{name}")
            if entry is not None and entry.sha256 == sha:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(folder / FILES / name, target)
                restored += 1
                break
        else:
            missing.append(name)
    say(
        f"pitr: {len(rows):,} stored files held by the recovered objects; {restored:,} put back "
        f"from physical backups, {len(missing):,} missing"
    )
    return missing
