"""Backups and recovery: ``inv backup.create``, ``backup.list``, ``backup.verify``,
``backup.restore``, ``backup.pitr``, ``backup.prune``."""

from __future__ import annotations

import os

from invoke.context import Context
from invoke.tasks import task

from ops.backups import logical
from ops.backups.manifest import KINDS, Manifest, Store
from ops.backups.restore import restore as restore_backup
from ops.backups.verify import raise_if_bad, verify_logical
from ops.errors import OpsError
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
        from ops.backups import physical

        manifest = physical.create(s, store, say=say)
    else:
        manifest = logical.create(s.superuser_url, store, jobs=int(jobs), say=say)
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
    }
)
@reports_errors
def restore(
    c: Context,
    backup: str | None = None,
    database: str | None = None,
    force: bool = False,
    jobs: int = JOBS,
) -> None:
    """Restore a logical backup; a live database needs --force."""
    s = settings()
    store = _store()
    if backup is None:
        manifest = store.latest("logical")
        if manifest is None:
            raise OpsError("no good logical backup to restore", "take one: inv backup.create")
    else:
        manifest = store.get(backup)
    restore_backup(manifest, store, s.superuser_url, database or s.db_name, s.secrets,
                   force=force, jobs=int(jobs), say=say)  # fmt: skip


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
        from ops.backups import physical

        result = physical.verify(s, manifest, store, say=say)
    else:
        result = verify_logical(manifest, store, s.superuser_url, jobs=jobs, say=say)
    if not result.ok:
        raise_if_bad(manifest)
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.steps.items())
    say(f"backup {manifest.id}: GOOD, verified in {result.duration_seconds:.1f} s ({steps})")
