"""The manifest of a backup: what it holds, how it was taken, and whether it verified.

One ``manifest.json`` per backup folder (``<data>/backups/<kind>/<id>/``), rewritten
atomically. ``status`` is ``unverified`` until verification ends, then ``good`` or
``bad``; only ``good`` backups count (restore, retention, the metrics' last good age).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from core.errors import OpsError
from ops.backups.checksums import METHOD, TableSum

if TYPE_CHECKING:
    from core.settings import Settings

Kind = Literal["logical", "physical"]
KINDS: tuple[Kind, ...] = ("logical", "physical")
Status = Literal["unverified", "good", "bad"]
MANIFEST = "manifest.json"
FORMAT = 1
#: The setting that schedules each kind (hours between backups; 0 is off).
SCHEDULE_VARIABLES: dict[Kind, str] = {
    "logical": "PLATFORM_BACKUP_LOGICAL_HOURS",
    "physical": "PLATFORM_BACKUP_PHYSICAL_HOURS",
}


def scheduled_hours(settings: Settings, kind: Kind) -> float:
    """Hours between scheduled backups of ``kind`` (0: not scheduled)."""
    return settings.backup_logical_hours if kind == "logical" else settings.backup_physical_hours


def scope(kind: Kind, db_name: str) -> str | None:
    """The database whose backups of ``kind`` count: logical backups are per database
    (this platform's), physical ones are of the whole cluster (None)."""
    return db_name if kind == "logical" else None


@dataclass
class FileEntry:
    bytes: int
    sha256: str


@dataclass
class Verification:
    ok: bool
    started_at: str
    duration_seconds: float
    #: What was checked, one line each (e.g. "sha256 of dump.pgdump").
    checks: list[str] = field(default_factory=list)
    #: Why it failed, one sentence each; empty when ok.
    problems: list[str] = field(default_factory=list)
    #: Seconds of each step (restore, checksums, amcheck).
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class Manifest:
    id: str
    kind: Kind
    database: str
    started_at: str
    finished_at: str = ""
    duration_seconds: float = 0.0
    status: Status = "unverified"
    server_version: str = ""
    #: How it was taken (the command, without secrets).
    method: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    #: Per table (``schema.table``): rows and content checksum in the backup's snapshot.
    tables: dict[str, TableSum] = field(default_factory=dict)
    #: How ``tables`` was summed (`ops.backups.checksums.METHOD`; 1 in older manifests).
    checksum_method: int = METHOD
    verification: Verification | None = None
    #: Bytes the backup takes in its repository when that is not the files' sum
    #: (physical: pgBackRest's compressed copy; the manifest's file is its backup.manifest).
    stored_bytes: int | None = None
    #: Kind-specific facts (physical: pgBackRest label, WAL range, the snapshot's LSN).
    details: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def size_bytes(self) -> int:
        if self.stored_bytes is not None:
            return self.stored_bytes
        return sum(entry.bytes for entry in self.files.values())

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    @property
    def good(self) -> bool:
        return self.status == "good"

    def finished(self) -> datetime:
        return datetime.fromisoformat(self.finished_at or self.started_at)

    def to_json(self) -> str:
        body = asdict(self)
        body["size_bytes"] = self.size_bytes
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        body = json.loads(text)
        body.pop("size_bytes", None)
        body.setdefault("checksum_method", 1)  # written before methods were recorded
        verification = body.pop("verification", None)
        return cls(
            files={k: FileEntry(**v) for k, v in body.pop("files", {}).items()},
            tables={k: TableSum(**v) for k, v in body.pop("tables", {}).items()},
            verification=None if verification is None else Verification(**verification),
            **body,
        )


def now() -> datetime:
    return datetime.now(UTC)


def new_id(kind: Kind, at: datetime) -> str:
    """``<kind>-20261203T134501Z-1a2b``: sorts by time, unique."""
    return f"{kind}-{at.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def sha256_of(path: Path) -> FileEntry:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return FileEntry(bytes=path.stat().st_size, sha256=digest.hexdigest())


class Store:
    """The backup folders of one data folder: ``<root>/<kind>/<id>/manifest.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, manifest: Manifest) -> Path:
        return self.root / manifest.kind / manifest.id

    def new_folder(self, kind: Kind, backup_id: str) -> Path:
        folder = self.root / kind / backup_id
        folder.mkdir(parents=True, exist_ok=False)
        return folder

    def save(self, manifest: Manifest) -> Path:
        folder = self.folder(manifest)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest.")
        with os.fdopen(fd, "w") as file:
            file.write(manifest.to_json())
        os.replace(tmp, folder / MANIFEST)
        return folder / MANIFEST

    def all(self, kind: Kind | None = None) -> list[Manifest]:
        """Every backup with a readable manifest, oldest first."""
        found: list[Manifest] = []
        for k in KINDS if kind is None else (kind,):
            for path in sorted((self.root / k).glob(f"*/{MANIFEST}")):
                try:
                    found.append(Manifest.from_json(path.read_text()))
                except (OSError, ValueError, TypeError):
                    continue  # a half-written or foreign folder is not a backup
        return sorted(found, key=lambda m: m.started_at)

    def get(self, backup_id: str) -> Manifest:
        for kind in KINDS:
            path = self.root / kind / backup_id / MANIFEST
            if path.exists():
                return Manifest.from_json(path.read_text())
        raise OpsError(f"no backup {backup_id!r} in {self.root}", "`inv backup.list` lists them")

    def latest(
        self, kind: Kind | None = None, *, good_only: bool = True, database: str | None = None
    ) -> Manifest | None:
        """The newest (good) backup, of ``database`` when given."""
        candidates = [
            m
            for m in self.all(kind)
            if (m.good or not good_only) and (database is None or m.database == database)
        ]
        return candidates[-1] if candidates else None
