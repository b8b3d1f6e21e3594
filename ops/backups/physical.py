"""Physical backups, continuous WAL archiving and point-in-time recovery with pgBackRest.

pgBackRest (Debian's ``pgbackrest``) keeps a repository under the data folder
(``<data>/backups/pgbackrest/repo``), with its config, lock, log and spool folders beside
it: no network, written by `Repo.write_config`. The cluster archives every WAL segment
with ``archive_command = pgbackrest ... archive-push %p``; a backup is a full copy of
the cluster (``pgbackrest backup``) whose files pgBackRest checksums in its own
manifest. Like pg_ctl, pgBackRest runs as the ``postgres`` OS user when we are root.

Each backup is verified: ``pgbackrest verify`` (every file and WAL segment of the
repository against its checksum), then a restore into a scratch cluster recovered to the
LSN at which the platform database's tables were summed right after the backup, those
sums compared, and ``pg_amcheck --all`` run on the scratch cluster.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ops.backups import checksums
from ops.backups.manifest import Manifest, Store, Verification, new_id, now, sha256_of
from ops.backups.verify import amcheck, record
from ops.cluster import OS_USER, Cluster, ConfValue
from ops.database import connect, translate_errors
from ops.errors import OpsError
from ops.net import free_port

if TYPE_CHECKING:
    from gateway.settings import Settings

logger = logging.getLogger(__name__)

STANZA = "platform"
PGBACKREST = "pgbackrest"
Say = Callable[[str], None]


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


def repo_for(settings: Settings) -> Repo:
    """The repository of the embedded cluster of ``settings``."""
    if not settings.embedded:
        raise OpsError(
            "physical backups and point-in-time recovery need the embedded cluster "
            "(pgBackRest runs beside the server's files)",
            "unset DATABASE_URL, or use logical backups (`inv backup.create`)",
        )
    return Repo(
        root=settings.backups_dir / "pgbackrest",
        cluster=Cluster.from_settings(settings),
        keep_days=settings.backup_keep_days,
    )


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
            _give_to_owner(self.root / name)
        _give_to_owner(self.root)
        days = max(1, round(self.keep_days))
        lines = [
            "# Written by ops/backups/physical.py; edit Repo instead.",
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


def create(repo: Repo, store: Store, dbname: str, *, say: Say = print) -> Manifest:
    """A full pgBackRest backup of the cluster, then the platform database's sums at an
    LSN past its end (what `verify` recovers a scratch cluster to)."""
    started = now()
    manifest = Manifest(
        id=new_id("physical", started),
        kind="physical",
        database=dbname,
        started_at=started.isoformat(),
        method="pgbackrest backup --type=full",
    )
    clock = time.monotonic()
    if repo.cluster.setting("archive_mode") != "on":
        raise OpsError(
            f"the cluster in {repo.cluster.pgdata} does not archive its WAL, so a physical "
            "backup could not be recovered to any point in time",
            "turn archiving on (PLATFORM_BACKUP_ARCHIVE, on by default) and restart: "
            "`inv down && inv up`",
        )
    repo.ensure_stanza()
    say(f"backup {manifest.id}: pgbackrest full backup of {repo.cluster.pgdata}")
    repo.run("backup", "--type=full", f"--annotation=platform-id={manifest.id}", what="backup")
    ours = [b for b in repo.backups() if b.get("annotation", {}).get("platform-id") == manifest.id]
    if not ours:
        raise OpsError(f"pgbackrest does not list backup {manifest.id}", "run pgbackrest info")
    backup = ours[-1]
    label = str(backup["label"])
    url = repo.cluster.url(dbname)
    doing = "sum the tables after the backup"
    with translate_errors(doing), connect(url, doing) as conn:
        conn.execute("begin isolation level repeatable read read only")
        row = conn.execute(
            "select pg_current_wal_insert_lsn()::text, pg_export_snapshot(),"
            " current_setting('server_version')"
        ).fetchone()
        assert row is not None
        lsn, snapshot, version = (str(v) for v in row)
        manifest.tables = checksums.table_sums(url, snapshot=snapshot, permanent_only=True)
        conn.rollback()
    # Switches to a new WAL segment and waits until it is archived: the LSN is reachable.
    repo.run("check", what="check")
    backup_manifest = repo.repo_path / "backup" / STANZA / label / "backup.manifest"
    manifest.files = {"backup.manifest": sha256_of(backup_manifest)}
    manifest.stored_bytes = int(backup["info"]["repository"].get("delta", 0))
    manifest.server_version = version
    manifest.details = {
        "label": label,
        "repository": str(repo.repo_path),
        "cluster_bytes": int(backup["info"].get("size", 0)),
        "wal_start": backup["archive"]["start"],
        "wal_stop": backup["archive"]["stop"],
        "backup_stop_time": int(backup["timestamp"]["stop"]),
        "sums_lsn": lsn,
    }
    manifest.finished_at = now().isoformat()
    manifest.duration_seconds = round(time.monotonic() - clock, 3)
    store.save(manifest)
    say(
        f"backup {manifest.id}: pgbackrest set {label}, {manifest.size_bytes / 1e6:,.1f} MB "
        f"stored in {manifest.duration_seconds:.1f} s"
    )
    return manifest


def verify(repo: Repo, manifest: Manifest, store: Store, *, say: Say = print) -> Verification:
    """pgbackrest verify, then a scratch cluster recovered to the sums' LSN, compared."""
    clock = time.monotonic()
    result = Verification(ok=False, started_at=now().isoformat(), duration_seconds=0.0)
    label = str(manifest.details.get("label", ""))
    try:
        t = time.monotonic()
        result.checks.append("sha256 of pgBackRest's backup.manifest")
        path = repo.repo_path / "backup" / STANZA / label / "backup.manifest"
        want = manifest.files.get("backup.manifest")
        if not path.exists():
            result.problems.append(f"backup set {label} is missing from {repo.repo_path}")
        elif want is None or sha256_of(path).sha256 != want.sha256:
            result.problems.append(
                f"backup set {label}: backup.manifest's sha256 differs from the manifest's"
            )
        if not result.problems:
            result.checks.append("pgbackrest verify (every file and WAL segment's checksum)")
            # 2.45's verify checks the whole repository (it has no --set).
            say(f"verify {manifest.id}: pgbackrest verify")
            try:
                report = repo.run("verify", "--output=text", "--verbose", what="verify")
            except OpsError as exc:
                result.problems.append(exc.message)
            else:
                # pgBackRest 2.45 exits 0 even when it found damage: read its report.
                if "status: ok" not in (line.strip() for line in report.splitlines()):
                    lines = " / ".join(line.strip() for line in report.splitlines() if line.strip())
                    result.problems.append(f"pgbackrest verify found damage: {lines}")
        result.steps["repository"] = round(time.monotonic() - t, 3)
        if not result.problems:
            t = time.monotonic()
            lsn = str(manifest.details["sums_lsn"])
            result.checks.append(f"restore into a scratch cluster, recovered to LSN {lsn}")
            say(f"verify {manifest.id}: restoring set {label} into a scratch cluster")
            # Short: the Unix socket's path must stay under 108 bytes.
            folder = store.root / "scratch" / manifest.id[-4:]
            try:
                with scratch_cluster(repo, folder, label, ("--type=lsn", f"--target={lsn}")) as c:
                    result.steps["restore"] = round(time.monotonic() - t, 3)
                    t = time.monotonic()
                    result.checks.append(
                        f"rows and checksum of {len(manifest.tables)} tables against the source"
                    )
                    url = c.url(manifest.database)
                    restored = checksums.table_sums(
                        url, permanent_only=True, method=manifest.checksum_method
                    )
                    result.problems += checksums.compare(manifest.tables, restored)
                    result.steps["checksums"] = round(time.monotonic() - t, 3)
                    if not result.problems:
                        t = time.monotonic()
                        result.checks.append("pg_amcheck --all of the scratch cluster")
                        result.problems += amcheck_all(c)
                        result.steps["amcheck"] = round(time.monotonic() - t, 3)
            except OpsError as exc:
                result.problems.append(exc.message)
    finally:
        result.ok = not result.problems
        result.duration_seconds = round(time.monotonic() - clock, 3)
        record(manifest, store, result)
    return result


def amcheck_all(cluster: Cluster) -> list[str]:
    """pg_amcheck of every database of ``cluster``."""
    return amcheck(cluster.url("postgres"), 2, every_database=True)


@contextmanager
def scratch_cluster(
    repo: Repo, folder: Path, label: str, target: tuple[str, ...]
) -> Iterator[Cluster]:
    """Set ``label`` restored into ``folder``, recovered to ``target``, running on a free
    port with archiving off; stopped and removed on exit."""
    shutil.rmtree(folder, ignore_errors=True)
    source = repo.cluster
    cluster = Cluster(
        pgdata=folder / "pgdata",
        run_dir=folder / "run",
        log_file=folder / "postgresql.log",
        superuser_password=source.superuser_password,
        host=source.host,
        port=free_port(source.host),
        bin_dir=source.bin_dir,
        # The source's settings (recovery refuses a max_connections below the
        # primary's), with archiving off: a scratch cluster never pushes WAL.
        options={
            **{k: v for k, v in source.options.items() if not k.startswith("archive_")},
            "archive_mode": False,
            "fsync": False,
        },
    )
    for sub in (folder, cluster.pgdata, cluster.run_dir):
        sub.mkdir(parents=True, exist_ok=True)
        _give_to_owner(sub)
    cluster.pgdata.chmod(0o700)
    try:
        restore_cluster(repo, cluster, label, target, archive=False)
        start_recovered(cluster)
        yield cluster
    finally:
        cluster.stop(mode="immediate")
        shutil.rmtree(folder, ignore_errors=True)


def restore_cluster(
    repo: Repo, cluster: Cluster, label: str | None, target: tuple[str, ...], *, archive: bool
) -> None:
    """``pgbackrest restore`` into ``cluster.pgdata`` (stopped), promoting at ``target``."""
    args = ["restore", "--delta", f"--pg1-path={cluster.pgdata}", "--target-action=promote",
            *target]  # fmt: skip
    if label is not None:
        args.append(f"--set={label}")
    if not archive:
        args.append("--archive-mode=off")
    repo.run(*args, what="restore")


def start_recovered(cluster: Cluster, timeout: float = 600.0) -> float:
    """Start a restored cluster and wait until recovery ended; the seconds it took."""
    clock = time.monotonic()
    cluster.start(timeout=timeout)
    deadline = clock + timeout
    while time.monotonic() < deadline:
        doing = "wait for the end of recovery"
        with translate_errors(doing), connect(cluster.url("postgres"), doing) as conn:
            row = conn.execute("select pg_is_in_recovery()").fetchone()
            if row is not None and row[0] is False:
                return time.monotonic() - clock
        time.sleep(0.2)
    raise OpsError(
        f"the cluster in {cluster.pgdata} is still recovering after {timeout:.0f} s",
        f"read {cluster.log_file}",
    )


def pitr(repo: Repo, target_time: str, *, say: Say = print) -> float:
    """Recover the cluster in place to ``target_time``; the recovery's seconds.

    The cluster is stopped, its files are rewritten from the newest backup before the
    target (``--delta``: only what differs), and WAL is replayed up to the target, where
    the cluster is promoted on a new timeline (it keeps archiving).
    """
    cluster = repo.cluster
    clock = time.monotonic()
    if cluster.is_running():
        # The segment being written may hold the target: switch and archive it first.
        say("pitr: archiving the current WAL segment (pgbackrest check)")
        try:
            repo.run("check", what="check")
        except OpsError as exc:
            say(f"pitr: warning: {exc.message} (recovering with the WAL already archived)")
    say(f"pitr: stopping the cluster in {cluster.pgdata}")
    cluster.stop()
    say(f"pitr: pgbackrest restore --type=time --target={target_time!r}")
    restore_cluster(repo, cluster, None, ("--type=time", f"--target={target_time}"), archive=True)
    say("pitr: starting the cluster and replaying WAL to the target")
    start_recovered(cluster)
    seconds = time.monotonic() - clock
    say(f"pitr: recovered to {target_time} and promoted in {seconds:.1f} s")
    return seconds


def _give_to_owner(path: Path) -> None:
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OS_USER)
        os.chown(path, owner.pw_uid, owner.pw_gid)
