"""A PostgREST of a benchmark's own, on free loopback ports, for a scratch database."""

from __future__ import annotations

from core.settings import Settings
from ops import database
from ops.net import free_port
from ops.postgrest import Postgrest, PostgrestConfig


def start(settings: Settings, url: str, name: str) -> Postgrest:
    """Start PostgREST as ``authenticator`` on ``url``; files are named after ``name``.

    It exposes the schemas the database's registered modules declare. The caller stops it.
    """
    port, admin_port = free_port(), free_port()
    config_path = settings.data_dir / f"{name}-postgrest.conf"
    PostgrestConfig(
        db_uri=database.authenticator_url(url, settings.secrets),
        jwt_secret_file=settings.secrets.jwt_secret_file,
        pool=settings.postgrest_pool,
        port=port,
        admin_port=admin_port,
    ).write(config_path)
    server = Postgrest(
        binary=settings.postgrest_bin,
        config_path=config_path,
        pidfile=settings.run_dir / f"{name}-postgrest.pid",
        logfile=settings.log_dir / f"{name}-postgrest.log",
        port=port,
        admin_port=admin_port,
        cores=settings.postgrest_cores,
    )
    server.start()
    return server
