"""The pgBackRest repository of a cluster: its config, its runs, and the WAL archiving settings.

pgBackRest (Debian's ``pgbackrest``) keeps a repository under the data folder
(``<data>/backups/pgbackrest/repo``), with its config, lock, log and spool folders beside
it: no network, written by `Repo.write_config`. The cluster archives every WAL segment
with ``archive_command = pgbackrest ... archive-push %p``. Like pg_ctl, pgBackRest runs
as the ``postgres`` OS user when we are root.
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import OpsError
from ops.cluster import OS_USER, Cluster, ConfValue

STANZA = "platform"
PGBACKREST = "pgbackrest"


def archive_options(root: Path, wal_seconds: int) -> dict[str, ConfValue]:
    """postgresql.conf settings that archive every WAL segment into the repo at ``root``."""
    config = root / "pgbackrest.conf"
    return {
        "archive_mode": True,
        "archive_command": f"{PGBACKREST} --config={config} --stanza={STANZA} archive-push %p",
        # A segment is archived at least this often while anything is written: recovery
        # to a point in time never misses more than this much of the recent past.
        "archive_timeout": wal_seconds,
        "wal_level": "replica",
    }


@dataclass(frozen=True)
class Repo:
    """The pgBackRest repository and config of one cluster."""

    root: Path
    cluster: Cluster
    #: Full backups are kept this many days (older ones and their WAL are expired).
    keep_days: float = 7.0
    process_max: int = 2

    @property
    def config_path(self) -> Path:
        return self.root / "pgbackrest.conf"

    @property
    def repo_path(self) -> Path:
        return self.root / "repo"

    def archive_options(self, wal_seconds: int = 3600) -> dict[str, ConfValue]:
        """The settings that make a cluster archive into this repository."""
        return archive_options(self.root, wal_seconds)

    def write_config(self) -> None:
        """(Re)write pgbackrest.conf and create the folders, owned by the postgres user."""
        for name in ("repo", "log", "lock", "spool"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
            give_to_owner(self.root / name)
        give_to_owner(self.root)
        days = max(1, round(self.keep_days))
        lines = [
            "# Written by ops/backups/pgbackrest.py; edit Repo instead.",
            "[global]",
            f"repo1-path={self.repo_path}",
            "repo1-retention-full-type=time",
            f"repo1-retention-full={days}",
            f"log-path={self.root / 'log'}",
            f"lock-path={self.root / 'lock'}",
            f"spool-path={self.root / 'spool'}",
            "log-level-console=warn",
            "log-level-stderr=warn",
            "log-level-file=info",
            "compress-type=lz4",
            f"process-max={self.process_max}",
            "start-fast=y",
            "",
            f"[{STANZA}]",
            f"pg1-path={self.cluster.pgdata}",
            f"pg1-port={self.cluster.port}",
            f"pg1-socket-path={self.cluster.run_dir}",
            "",
        ]
        self.config_path.write_text("\n".join(lines))
        self.config_path.chmod(0o644)

    def run(self, *args: str, what: str | None = None) -> str:
        """``pgbackrest --config --stanza ARGS`` as the postgres OS user; its stdout."""
        argv = [PGBACKREST, f"--config={self.config_path}", f"--stanza={STANZA}", *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", OS_USER, "--", *argv]
        try:
            result = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=False)
        except FileNotFoundError as exc:
            raise OpsError(
                f"{exc.filename} not found", "run `make bootstrap` (pgbackrest)"
            ) from exc
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip()
            raise OpsError(
                f"pgbackrest {what or args[0]} failed (exit {result.returncode}): {output[-2000:]}",
                f"read the logs in {self.root / 'log'}",
            )
        return result.stdout

    def ensure_stanza(self) -> None:
        """Create the stanza (idempotent) once the cluster runs."""
        self.write_config()
        self.run("stanza-create", what="stanza-create")

    def info(self) -> dict[str, Any]:
        body = json.loads(self.run("info", "--output=json", what="info"))
        stanzas: list[dict[str, Any]] = body
        for stanza in stanzas:
            if stanza.get("name") == STANZA:
                return stanza
        return {}

    def backups(self) -> list[dict[str, Any]]:
        return list(self.info().get("backup", []))

    def expire(self) -> None:
        self.run("expire", what="expire")


def give_to_owner(path: Path) -> None:
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OS_USER)
        os.chown(path, owner.pw_uid, owner.pw_gid)
