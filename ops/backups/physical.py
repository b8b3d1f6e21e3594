"""Physical backups with pgBackRest: a full backup, and its verification.

A backup is a full copy of the cluster (``pgbackrest backup``) whose files pgBackRest
checksums in its own manifest. The repository, its config and the WAL archiving settings
are `ops.backups.pgbackrest`'s; restoring and point-in-time recovery are
`ops.backups.recovery`'s.

Each backup is verified: ``pgbackrest verify`` (every file and WAL segment of the
repository against its checksum), then a restore into a scratch cluster recovered to the
LSN at which the platform database's tables were summed right after the backup, those
sums compared, and ``pg_amcheck --all`` run on the scratch cluster.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from core.errors import OpsError
from ops.backups import checksums, files
from ops.backups.manifest import FileEntry, Manifest, Store, Verification, new_id, now, sha256_of
from ops.backups.pgbackrest import STANZA, Repo, archive_options
from ops.backups.recovery import pitr, scratch_cluster
from ops.backups.verify import amcheck, record
from ops.cluster import Cluster
from ops.database import connect, translate_errors

#: What callers of physical backups use, wherever it lives.
__all__ = ["Repo", "amcheck_all", "archive_options", "create", "pitr", "verify"]

logger = logging.getLogger(__name__)

Say = Callable[[str], None]


def create(
    repo: Repo, store: Store, dbname: str, *, say: Say = print, storage_dir: Path | None = None
) -> Manifest:
    """A full pgBackRest backup of the cluster, then the platform database's sums at an
    LSN past its end (what `verify` recovers a scratch cluster to), and the stored files
    of that snapshot's objects from ``storage_dir`` (`ops.backups.files`)."""
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
    stored: dict[str, FileEntry] = {}
    with translate_errors(doing), connect(url, doing) as conn:
        # The stored files of the snapshot's objects, linked while no file may change.
        with files.files_frozen(url) if storage_dir is not None else contextlib.nullcontext():
            conn.execute("begin isolation level repeatable read read only")
            row = conn.execute(
                "select pg_current_wal_insert_lsn()::text, pg_export_snapshot(),"
                " current_setting('server_version')"
            ).fetchone()
            assert row is not None
            lsn, snapshot, version = (str(v) for v in row)
            if storage_dir is not None:
                folder = store.folder(manifest)
                folder.mkdir(parents=True, exist_ok=True)
                stored, missing = files.snapshot_files(files.listed(conn), storage_dir, folder, say)
                if missing:
                    raise files.missing_files_error(missing, storage_dir)
        manifest.tables = checksums.table_sums(url, snapshot=snapshot, permanent_only=True)
        conn.rollback()
    # Switches to a new WAL segment and waits until it is archived: the LSN is reachable.
    repo.run("check", what="check")
    backup_manifest = repo.repo_path / "backup" / STANZA / label / "backup.manifest"
    manifest.files = {"backup.manifest": sha256_of(backup_manifest), **stored}
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
        if not result.problems and any(n.startswith(f"{files.FILES}/") for n in manifest.files):
            result.checks.append("sha256 of every stored file's copy")
            result.problems += files.check_copies(manifest, store.folder(manifest))
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
                    if not result.problems:
                        result.checks.append("every stored file of the restored objects")
                        result.problems += files.compare_with_rows(manifest, url)
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
