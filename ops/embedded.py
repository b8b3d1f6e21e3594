"""The platform's own cluster as the settings describe it, and its pgBackRest repository.

`ops.cluster.Cluster` knows nothing of settings or backups; this module composes them:
the folders and port of ``var/``, the preloaded libraries, and (``PLATFORM_BACKUP_ARCHIVE``)
WAL archiving into the repository under ``var/backups/pgbackrest``.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import OpsError
from core.secrets import Secrets
from core.settings import Settings
from ops.backups.pgbackrest import Repo, archive_options
from ops.cluster import PRELOAD, Cluster, ConfValue


def embedded_cluster(settings: Settings, secrets: Secrets | None = None) -> Cluster:
    """The cluster ``inv up`` runs: ``var/pgdata`` on ``PLATFORM_PG_HOST:PORT``."""
    secrets = settings.secrets if secrets is None else secrets
    options: dict[str, ConfValue] = {}
    if settings.backup_archive:
        options.update(archive_options(_repo_root(settings), settings.backup_wal_seconds))
    return Cluster(
        pgdata=settings.pgdata_dir,
        run_dir=settings.run_dir,
        log_file=settings.log_dir / "postgresql.log",
        superuser_password=secrets.postgres_password,
        host=settings.pg_host,
        port=settings.pg_port,
        shared_preload_libraries=PRELOAD,
        options=options,
    )


def backup_repo(settings: Settings) -> Repo:
    """The pgBackRest repository of the embedded cluster of ``settings``."""
    if not settings.embedded:
        raise OpsError(
            "physical backups and point-in-time recovery need the embedded cluster "
            "(pgBackRest runs beside the server's files)",
            "unset DATABASE_URL, or use logical backups (`inv backup.create`)",
        )
    return Repo(
        root=_repo_root(settings),
        cluster=embedded_cluster(settings),
        keep_days=settings.backup_keep_days,
    )


def _repo_root(settings: Settings) -> Path:
    return settings.backups_dir / "pgbackrest"
