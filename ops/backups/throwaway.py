"""A throwaway cluster that a logical backup is restored into to verify it.

Restored into a database of the live cluster, a backup writes every row and every index
page twice: once to the tables, once to the WAL, which the live cluster then archives
(pgBackRest) and fsyncs, for a copy that is dropped minutes later. A cluster made for
one verification and deleted after it needs none of that:

- ``wal_level = minimal``: ``pg_restore --jobs`` truncates each table it created before
  loading it, and under ``minimal`` that COPY, like every ``CREATE INDEX``, writes no WAL;
- ``fsync``, ``full_page_writes`` and ``synchronous_commit`` off: a crash loses only the
  verification, which is then run again;
- no autovacuum: it would analyze the tables just loaded while their indexes build.

A verification killed half-way leaves its folder behind: the next one deletes every
such folder whose cluster no longer runs (`sweep`).

It holds the source server's roles (``pg_dumpall --roles-only --no-role-passwords``),
so owners, grants and policies ``to <role>`` restore as they would on the source. It
runs the binaries of this machine: when the source server is another major version,
`usable` says no and verification restores into a scratch database of the source server.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import OpsError
from ops.backups import tools
from ops.cluster import PG_BIN_DIR, PG_MAJOR, Cluster, ConfValue
from ops.database import connect, translate_errors
from ops.net import free_port

logger = logging.getLogger(__name__)

DATABASE = "verify"

OPTIONS: dict[str, ConfValue] = {
    "wal_level": "minimal",
    "max_wal_senders": 0,
    "archive_mode": False,
    "fsync": False,
    "full_page_writes": False,
    "synchronous_commit": False,
    "autovacuum": False,
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "log_min_duration_statement": -1,
}


def usable(source_url: str) -> bool:
    """True when this machine's binaries run the source server's major version."""
    doing = "reading the source server's version"
    with translate_errors(doing), connect(source_url, doing) as conn:
        row = conn.execute("select current_setting('server_version_num')::int / 10000").fetchone()
    return row is not None and row[0] == PG_MAJOR and (PG_BIN_DIR / "initdb").exists()


@contextmanager
def throwaway_cluster(source_url: str, folder: Path) -> Iterator[str]:
    """A new cluster in ``folder`` with the roles of the server at ``source_url`` and an
    empty database; yields that database's superuser URL. Stopped and deleted on exit."""
    left = _cluster(folder, "")  # this backup's own verification, killed half-way
    if left.is_running():
        left.stop(mode="immediate")
    shutil.rmtree(folder, ignore_errors=True)
    sweep(folder.parent)
    cluster = _cluster(folder, secrets.token_urlsafe(24))
    try:
        cluster.init()
        cluster.start(timeout=60)
        copy_roles(source_url, cluster.url("postgres"))
        cluster.create_database(DATABASE, template="template0")
        yield cluster.url(DATABASE)
    finally:
        try:
            cluster.stop(mode="immediate")
        except OpsError as exc:
            logger.warning("throwaway cluster in %s did not stop: %s", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)


def _cluster(folder: Path, password: str) -> Cluster:
    return Cluster(
        pgdata=folder / "pgdata",
        run_dir=folder / "run",
        log_file=folder / "postgresql.log",
        superuser_password=password,
        port=free_port(),
        options=OPTIONS,
    )


def sweep(parent: Path) -> None:
    """Delete what verifications killed half-way left in ``parent``: every ``verify-*``
    folder whose cluster is not running (a running one belongs to a verification under
    way; its own exit deletes it)."""
    for folder in sorted(parent.glob("verify-*")) if parent.is_dir() else ():
        if _cluster(folder, "").is_running():
            continue
        logger.warning("deleting %s, left by a verification that did not finish", folder)
        shutil.rmtree(folder, ignore_errors=True)


def copy_roles(source_url: str, target_url: str) -> None:
    """Create the roles of the server at ``source_url`` on ``target_url`` (no passwords)."""
    plain, env = tools.split_password(source_url)
    roles = subprocess.run(
        [str(tools.program("pg_dumpall")), "--roles-only", "--no-role-passwords",
         f"--dbname={plain}"],
        capture_output=True, encoding="utf-8", errors="replace", env=env, check=False,
    )  # fmt: skip
    if roles.returncode != 0:
        raise OpsError(
            f"pg_dumpall --roles-only failed: {roles.stderr.strip()[-2000:]}",
            "check that the backup's URL is a superuser's (PLATFORM_PG_* or DATABASE_URL)",
        )
    doing = "reading the throwaway cluster's roles"
    with translate_errors(doing), connect(target_url, doing) as conn:
        existing = {str(r[0]) for r in conn.execute("select rolname from pg_catalog.pg_roles")}
    target, target_env = tools.split_password(target_url)
    applied = subprocess.run(
        [str(tools.program("psql")), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
         f"--dbname={target}"],
        input=without_creating(roles.stdout, existing), capture_output=True,
        encoding="utf-8", errors="replace", env=target_env, check=False,
    )  # fmt: skip
    if applied.returncode != 0:
        raise OpsError(
            f"creating the source's roles in the throwaway cluster failed: "
            f"{applied.stderr.strip()[-2000:]}",
            "report this: the roles of the source server could not be copied",
        )


_CREATE_ROLE = re.compile(r'^CREATE ROLE (?:"((?:[^"]|"")+)"|([^";\s]+));$')


def without_creating(script: str, existing: set[str]) -> str:
    """``script`` without its ``CREATE ROLE`` of roles in ``existing`` (the bootstrap
    superuser: pg_dumpall writes it too, and its ``ALTER ROLE`` still applies)."""
    kept = []
    for line in script.splitlines():
        match = _CREATE_ROLE.match(line)
        if match is None:
            kept.append(line)
            continue
        quoted, plain = match.groups()
        if (plain if quoted is None else quoted.replace('""', '"')) not in existing:
            kept.append(line)
    return "\n".join(kept) + "\n"
