"""``inv backup.restore``: a logical backup into a named database, never over a live one
by accident.

The backup is restored into a new database ``<name>__restoring``; only when that
succeeded do its stored files replace the storage folder's (`ops.backups.files`) and
does it take the name: an existing database of that name is dropped first,
which is refused when it is live (has sessions or tables) unless ``force``. A failed
restore leaves the existing database untouched. Then the platform's roles and JWT
secret are configured, as after a deploy, so PostgREST works against it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from core.errors import OpsError
from core.secrets import Secrets
from ops import database
from ops.backups import files, logical, scratch, tools
from ops.backups.manifest import Manifest, Store
from ops.backups.verify import raise_if_bad
from ops.database import connect, translate_errors

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

LIVE_SQL = """
select (select count(*) from pg_catalog.pg_stat_activity
         where datname = %(db)s and pid <> pg_backend_pid()),
       exists (select from pg_catalog.pg_database where datname = %(db)s)"""
TABLES_SQL = """
select count(*) from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and n.nspname <> all (array['pg_catalog', 'information_schema'])
   and n.nspname !~ '^pg_(toast|temp)'"""


@dataclass(frozen=True)
class Occupant:
    """What a database holds right now: sessions and tables (None when it does not exist)."""

    sessions: int
    tables: int

    @property
    def live(self) -> bool:
        return self.sessions > 0 or self.tables > 0


def occupant(url: str, dbname: str) -> Occupant | None:
    doing = f"look at database {dbname}"
    with translate_errors(doing), connect(url, doing, autocommit=True) as conn:
        row = conn.execute(LIVE_SQL, {"db": dbname}).fetchone()
        assert row is not None
        sessions, exists = int(row[0]), bool(row[1])  # type: ignore[call-overload]
    if not exists:
        return None
    with translate_errors(doing), connect(scratch.database_url(url, dbname), doing) as conn:
        row = conn.execute(TABLES_SQL).fetchone()
        assert row is not None
        return Occupant(sessions=sessions, tables=int(row[0]))  # type: ignore[call-overload]


def restore(
    manifest: Manifest,
    store: Store,
    url: str,
    target: str,
    secrets: Secrets | None,
    *,
    force: bool = False,
    jobs: int = 2,
    say: Say = print,
    files_dir: Path | None = None,
) -> None:
    """Restore ``manifest`` into database ``target`` on the server of ``url``, and its
    stored files into ``files_dir`` (which then holds exactly those)."""
    if manifest.kind != "logical":
        raise OpsError(
            f"{manifest.id} is a physical backup: it restores a whole cluster",
            "use `inv backup.pitr --target-time ...` (or a logical backup here)",
        )
    raise_if_bad(manifest)
    if manifest.status == "unverified":
        say(f"warning: backup {manifest.id} was never verified (`inv backup.verify`)")
    folder = store.folder(manifest)
    problems = logical.check_files(manifest, folder)
    if problems:
        raise OpsError(
            f"backup {manifest.id} does not match its manifest: {'; '.join(problems)}",
            "use another backup (`inv backup.list`); `inv backup.verify` marks this one bad",
        )
    admin = scratch.database_url(url, "postgres")  # never connected to the target itself
    existing = occupant(admin, target)
    if existing is not None and existing.live and not force:
        raise OpsError(
            f"database {target} exists and is live ({existing.sessions} sessions, "
            f"{existing.tables} tables): restoring would overwrite it",
            f"pass --force to replace {target} (its current contents are lost), or restore "
            "into another database with --database NAME",
        )
    staging = f"{target}__restoring"
    say(f"restore {manifest.id}: pg_restore --jobs={jobs} into {staging}")
    scratch.drop(admin, staging)
    scratch.create(admin, staging)
    try:
        staging_url = scratch.database_url(url, staging)
        logical.restore_into(folder / logical.DUMP_FILE, staging_url, jobs=jobs,
                             label="restore")  # fmt: skip
        # pg_restore leaves the planner without statistics until autovacuum gets there:
        # the restored database is analyzed before it is put in place.
        say(f"restore {manifest.id}: analyzing {staging} (planner statistics)")
        tools.run(
            "vacuumdb",
            ["--analyze-only", "--quiet", f"--jobs={max(1, jobs)}"],
            staging_url,
            what="vacuumdb --analyze-only",
            hint=f"{target} is untouched; see the server log, then restore again",
        )
    except OpsError:
        scratch.drop(admin, staging)
        raise
    if files_dir is not None:
        restored = files.restore_files(manifest, folder, files_dir, say)
        say(f"restore {manifest.id}: {files_dir} holds the {restored:,} stored files of the backup")
    doing = f"put the restored database in place of {target}"
    with translate_errors(doing), connect(admin, doing, autocommit=True) as conn:
        if existing is not None:
            say(f"restore {manifest.id}: dropping the previous {target}")
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(target)))
        conn.execute(
            sql.SQL("alter database {} rename to {}").format(
                sql.Identifier(staging), sql.Identifier(target)
            )
        )
    if secrets is not None:
        target_url = scratch.database_url(url, target)
        if _is_platform(target_url):
            say("restore: setting role passwords and the JWT secret (as after a deploy)")
            database.configure(target_url, secrets)
    say(f"restore {manifest.id}: {target} holds the backup of {manifest.started_at}")


def _is_platform(url: str) -> bool:
    doing = "look at the restored database"
    with translate_errors(doing), connect(url, doing) as conn:
        row = conn.execute("select to_regproc('auth.set_jwt_secret') is not null").fetchone()
        return bool(row and row[0])
