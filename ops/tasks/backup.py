"""Backups and recovery: ``inv backup.create``, ``backup.list``, ``backup.verify``,
``backup.restore``, ``backup.pitr``, ``backup.prune``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from invoke.context import Context
from invoke.tasks import task

from core.errors import OpsError
from ops.backups import files, logical, physical, retention
from ops.backups.manifest import KINDS, Manifest, Store
from ops.backups.restore import restore as restore_backup
from ops.backups.verify import raise_if_bad, verify_logical
from ops.embedded import backup_repo
from ops.tasks._common import print_table, reports_errors, say, settings

JOBS = max(2, os.cpu_count() or 2)
JOBS_HELP = f"parallel pg_restore / checksum / amcheck jobs (default {JOBS})"


def _store() -> Store:
    return Store(settings().backups_dir)


@task(
    help={
        "kind": "logical (pg_dump of the platform database) or physical (pgBackRest, cluster)",
        "verify": "verify it right after (default); --no-verify leaves it unverified",
        "jobs": JOBS_HELP,
    }
)
@reports_errors
def create(c: Context, kind: str = "logical", verify: bool = True, jobs: int = JOBS) -> None:
    """Take a backup, verify it and write its manifest."""
    if kind not in KINDS:
        raise OpsError(f"no backup kind {kind!r}", f"use one of: {', '.join(KINDS)}")
    s = settings()
    store = _store()
    if kind == "physical":
        manifest = physical.create(
            backup_repo(s), store, s.db_name, say=say, storage_dir=s.storage_dir
        )
    else:
        manifest = logical.create(
            s.superuser_url,
            store,
            compress=s.backup_compress,
            jobs=int(jobs),
            say=say,
            storage_dir=s.storage_dir,
        )
    if verify:
        _verify(manifest, store, int(jobs))
    else:
        say(f"backup {manifest.id}: not verified (--no-verify); it does not count as good yet")


@task(name="list", help={"good": "only the good (verified) backups"})
@reports_errors
def list_backups(c: Context, good: bool = False) -> None:
    """Show every backup: status, size, duration, rows."""
    manifests = [m for m in _store().all() if m.good or not good]
    if not manifests:
        print(f"no backups in {settings().backups_dir} (take one: inv backup.create)")
        return
    rows = [("id", "status", "database", "finished (UTC)", "size", "took", "verify", "rows")]
    for m in manifests:
        verified = m.verification
        rows.append((
            m.id,
            m.status.upper() if m.status == "bad" else m.status,
            m.database,
            m.finished_at[:19].replace("T", " "),
            f"{m.size_bytes / 1e6:,.1f} MB",
            f"{m.duration_seconds:.1f} s",
            "-" if verified is None else f"{verified.duration_seconds:.1f} s",
            f"{m.rows:,}",
        ))  # fmt: skip
    print_table(rows)
    bad = [m for m in manifests if m.status == "bad"]
    for m in bad:
        problems = m.verification.problems if m.verification else []
        print(f"\n{m.id} is BAD: {'; '.join(problems)}")


@task(
    help={
        "backup": "the backup id (default: the latest backup of any status)",
        "jobs": JOBS_HELP,
    }
)
@reports_errors
def verify(c: Context, backup: str | None = None, jobs: int = JOBS) -> None:
    """Verify a backup again: restore, compare, amcheck."""
    store = _store()
    manifest = _pick(store, backup)
    _verify(manifest, store, int(jobs))


@task(
    help={
        "backup": "the backup id (default: the latest good logical backup)",
        "database": "the database to restore into (default: PLATFORM_DB_NAME, the platform's)",
        "force": "replace the database even if it is live (sessions or tables): its data is lost",
        "jobs": JOBS_HELP,
        "files_dir": "where the stored files go (default: PLATFORM_STORAGE_DIR for the platform "
        "database, <data folder>/storage-<database> for another)",
    }
)
@reports_errors
def restore(
    c: Context,
    backup: str | None = None,
    database: str | None = None,
    force: bool = False,
    jobs: int = JOBS,
    files_dir: str | None = None,
) -> None:
    """Restore a logical backup (rows and stored files); a live database needs --force."""
    s = settings()
    target = database or s.db_name
    if files_dir is not None:
        into = Path(files_dir).resolve()
    elif target == s.db_name:
        into = s.storage_dir
    else:
        into = s.data_dir / f"storage-{target}"
    store = _store()
    if backup is None:
        manifest = store.latest("logical")
        if manifest is None:
            raise OpsError("no good logical backup to restore", "take one: inv backup.create")
    else:
        manifest = store.get(backup)
    restore_backup(
        manifest,
        store,
        s.superuser_url,
        target,
        s.secrets,
        force=force,
        jobs=int(jobs),
        say=say,
        files_dir=into,
    )


@task(
    help={
        "target_time": "the moment to recover to, ISO 8601 (e.g. '2026-12-03 14:05:00+00'; "
        "UTC when no offset is given)",
        "yes": "confirm: the cluster is stopped and everything after the target is lost",
    }
)
@reports_errors
def pitr(c: Context, target_time: str, yes: bool = False) -> None:
    """Recover the cluster to a moment (physical backup + WAL)."""
    s = settings()
    target = _moment(target_time)
    before = [m for m in _store().all("physical") if m.good and m.finished() <= target]
    if not before:
        raise OpsError(
            f"no good physical backup finished before {target.isoformat()}",
            "`inv backup.list` shows them; PITR needs a base backup older than the target",
        )
    if not yes:
        raise OpsError(
            f"`inv backup.pitr` stops the cluster and rewinds it to {target.isoformat()}: "
            "every change after that moment is lost",
            f"run `inv backup.pitr --target-time '{target_time}' --yes` if that is what you want",
        )
    seconds = physical.pitr(backup_repo(s), target.isoformat(sep=" "), say=say)
    say(f"pitr: recovery took {seconds:.1f} s; the cluster is on a new timeline and archives")
    # The storage folder is not rewound: put back what the recovered rows hold from the
    # physical backups' copies; the rest is reported (files.bring_back).
    store = _store()
    copies = [(m, store.folder(m)) for m in reversed(before)]
    missing = files.bring_back(s.superuser_url, s.storage_dir, copies, say)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        say(
            f"pitr: WARNING {len(missing)} stored files of recovered objects are in no backup: "
            f"{shown} (they answer 404 storage.file_missing; delete those objects or put "
            "the files back)"
        )


@task(help={"keep_days": "keep backups this many days (default: PLATFORM_BACKUP_KEEP_DAYS)"})
@reports_errors
def prune(c: Context, keep_days: float | None = None) -> None:
    """Delete backups past retention; the newest good one stays."""
    s = settings()
    days = s.backup_keep_days if keep_days is None else float(keep_days)
    removed = retention.prune(_store(), days, datetime.now(UTC))
    for manifest in removed:
        say(f"removed {manifest.id} ({manifest.status}, finished {manifest.finished_at})")
    if s.embedded and backup_repo(s).config_path.exists():
        backup_repo(s).expire()
        say("pgbackrest expire: sets and WAL past retention removed from the repository")
    say(f"kept backups of the last {days:g} days ({len(removed)} removed)")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise OpsError(
            f"--target-time {text!r} is not a date and time",
            "give ISO 8601, e.g. '2026-12-03 14:05:00+00:00'",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _pick(store: Store, backup: str | None) -> Manifest:
    if backup is not None:
        return store.get(backup)
    manifest = store.latest(good_only=False)
    if manifest is None:
        raise OpsError("no backup to verify", "take one: inv backup.create")
    return manifest


def _verify(manifest: Manifest, store: Store, jobs: int) -> None:
    s = settings()
    if manifest.kind == "physical":
        result = physical.verify(backup_repo(s), manifest, store, say=say)
    else:
        result = verify_logical(manifest, store, s.superuser_url, jobs=jobs, say=say)
    if not result.ok:
        raise_if_bad(manifest)
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.steps.items())
    say(f"backup {manifest.id}: GOOD, verified in {result.duration_seconds:.1f} s ({steps})")
