"""The files on disk: ``<dir>/public/<bucket>/<path>``, ``<dir>/private/<bucket>/<path>``
and ``<dir>/.tmp`` (uploads in progress, on the same file system so that a rename
puts a finished file in place atomically).

SQL names every file (``storage_private.file_of``: ``public/avatars/<user>/me.png``);
this module only refuses a name that would leave the tree, streams bodies into
temporary files (counting and hashing as it goes, cut at the byte limit), renames them
into place and removes files.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from gateway.storage.errors import StorageError, field

TREES = ("public", "private")
TMP = ".tmp"
#: Bytes gathered before one write (in a worker thread, with the hashing).
WRITE_BYTES = 1 << 20


@dataclass(frozen=True)
class Received:
    """A body streamed to a temporary file."""

    path: Path
    bytes: int
    sha256: str


class Tree:
    """The storage folder of one gateway."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def prepare(self) -> None:
        for sub in (*TREES, TMP):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def file(self, relative: str) -> Path:
        """The absolute path of a file SQL named; refuses anything outside the trees."""
        path = (self.root / relative).resolve()
        if not any(path.is_relative_to((self.root / t).resolve()) for t in TREES):
            raise StorageError(
                400,
                "storage.invalid_path",
                f"{relative} is outside the storage tree",
                field("path"),
            )
        return path

    def public_file(self, bucket: str, path: str) -> Path | None:
        """The file ``GET /storage/public/<bucket>/<path>`` serves, if it exists there."""
        base = (self.root / "public").resolve()
        candidate = (base / bucket / path).resolve()
        if not candidate.is_relative_to(base) or any(p.startswith(".") for p in candidate.parts):
            return None
        return candidate if candidate.is_file() else None

    def temp(self, suffix: str = "") -> Path:
        return self.root / TMP / f"{uuid.uuid4().hex}{suffix}"

    async def receive(
        self, head: bytes, chunks: AsyncIterator[bytes], limit: int, on_bytes: Callable[[int], None]
    ) -> Received:
        """Write ``head`` then ``chunks`` to a new temporary file, hashing as it goes;
        413 ``storage.too_large`` (and no file left) past ``limit`` bytes."""
        path = self.temp()
        digest = hashlib.sha256()
        total = 0
        pending: list[bytes] = [head] if head else []
        waiting = len(head)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as out:

                def flush(parts: list[bytes]) -> None:
                    for part in parts:
                        digest.update(part)
                        out.write(part)

                total = waiting
                async for chunk in chunks:
                    total += len(chunk)
                    if total > limit:
                        raise too_large(limit)
                    pending.append(chunk)
                    waiting += len(chunk)
                    on_bytes(len(chunk))
                    if waiting >= WRITE_BYTES:
                        parts, pending, waiting = pending, [], 0
                        await asyncio.to_thread(flush, parts)
                if total > limit:
                    raise too_large(limit)
                await asyncio.to_thread(flush, pending)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Received(path, total, digest.hexdigest())

    def place(self, temp: Path, relative: str) -> Placed:
        """Rename ``temp`` to the file SQL named (inside the transaction that holds its
        lock); `Placed.undo` puts back what was there if that transaction fails."""
        final = self.file(relative)
        final.parent.mkdir(parents=True, exist_ok=True)
        kept: Path | None = None
        if final.exists():
            kept = self.temp(".previous")
            os.link(final, kept)
        os.replace(temp, final)
        return Placed(final, kept)

    def remove(self, relative: str) -> bool:
        """Remove a file SQL named; True when it was there."""
        try:
            self.file(relative).unlink()
        except FileNotFoundError:
            return False
        return True


@dataclass(frozen=True)
class Placed:
    """A file renamed into place, and the old file it replaced (a hard link to it)."""

    final: Path
    kept: Path | None

    def undo(self) -> None:
        if self.kept is not None:
            os.replace(self.kept, self.final)
        else:
            self.final.unlink(missing_ok=True)

    def done(self) -> None:
        if self.kept is not None:
            with contextlib.suppress(OSError):
                self.kept.unlink()


def too_large(limit: int) -> StorageError:
    return StorageError(
        413,
        "storage.too_large",
        f"the file is over the bucket's limit of {limit:,} bytes",
        field("size", max_bytes=limit),
    )
