"""The whole stack in order: cluster → Sqitch deploy → configure → PostgREST → gateway →
front door (nginx).

`Stack` is what ``inv up``, ``inv down`` and ``inv status`` drive. Each step says what
it does through ``say`` and leaves alone what already runs, so ``up`` is cheap to repeat.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import OpsError
from core.settings import Settings
from core.urls import redact
from ops import database, sqitch
from ops.backups.pgbackrest import Repo
from ops.cluster import Cluster
from ops.embedded import backup_repo, embedded_cluster
from ops.frontdoor.certs import Certificates
from ops.frontdoor.service import Frontdoor
from ops.net import ensure_port_free, http_status
from ops.postgrest import Postgrest, PostgrestConfig
from ops.processes import BackgroundProcess, wait_until

logger = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class Component:
    """One row of ``inv status``."""

    name: str
    running: str  # "yes", "no" or "external"
    address: str
    healthy: bool
    detail: str = ""


class Stack:
    """The platform's processes for one `Settings` (one data folder)."""

    def __init__(self, settings: Settings, say: Say = print) -> None:
        self.settings = settings
        self.say = say

    # --- the parts ----------------------------------------------------------------

    def cluster(self) -> Cluster:
        return embedded_cluster(self.settings)

    def postgrest(self) -> Postgrest:
        return Postgrest.from_settings(self.settings)

    def gateway(self) -> BackgroundProcess:
        python = self.settings.venv_python
        return BackgroundProcess(
            name="gateway",
            argv=(str(python if python.exists() else sys.executable), "-m", "gateway"),
            pidfile=self.settings.run_dir / "gateway.pid",
            logfile=self.settings.log_dir / "gateway.log",
            cwd=self.settings.project_root,
            marker="-m gateway",
        )

    def frontdoor(self) -> Frontdoor:
        return Frontdoor(self.settings)

    @property
    def healthz_url(self) -> str:
        return f"{self.settings.gateway_url}/healthz"

    # --- up -----------------------------------------------------------------------

    def up(self) -> Certificates:
        """Start whatever is not running yet, deploying and configuring the database.

        Returns the front door's certificates (the CA file a client trusts)."""
        s = self.settings
        secrets = s.secrets
        if s.embedded:
            self.start_cluster()
        else:
            self.say(f"database: external server {redact(s.superuser_url)}")
            if not database.ping(s.superuser_url):
                raise OpsError(
                    f"cannot connect to DATABASE_URL ({redact(s.superuser_url)})",
                    "check the server runs and the URL is right, or unset DATABASE_URL "
                    "to use the embedded cluster",
                )
        self.deploy()
        config = PostgrestConfig.from_settings(s, secrets)
        postgrest = self.postgrest()
        if config.write(s.postgrest_config_path):
            self.say(f"postgrest: wrote {s.postgrest_config_path}")
            if postgrest.stop():
                self.say("postgrest: stopped to apply the new config")
        self.say("postgrest: starting" if not postgrest.is_running() else "postgrest: running")
        postgrest.start()
        self.start_gateway()
        return self.frontdoor().up(self.say)

    def start_cluster(self) -> None:
        s = self.settings
        cluster = self.cluster()
        if cluster.init():
            self.say(f"postgres: initialised a cluster in {s.pgdata_dir}")
        repo = backup_repo(s) if s.backup_archive else None
        if repo is not None:
            repo.write_config()  # archive_command names it
        if cluster.start():
            self.say(f"postgres: started on {s.pg_host}:{s.pg_port}")
        else:
            self.say(f"postgres: running on {s.pg_host}:{s.pg_port}")
            self.restart_if_upgraded(cluster)
            pending = cluster.pending_restart()
            if pending:
                self.say(
                    f"postgres: {', '.join(pending)} changed and applies only after a restart"
                    " (until then /metrics reports pg_stat_statements as not preloaded):"
                    " run `inv down && inv up`"
                )
        if cluster.create_database(s.db_name):
            self.say(f"postgres: created database {s.db_name}")
        if repo is not None:
            self.start_archiving(cluster, repo)

    def restart_if_upgraded(self, cluster: Cluster) -> bool:
        """Restart a running server whose binaries changed since it started (an upgrade
        of the PostgreSQL package under it: new backends would fail to load plpgsql.so)."""
        changed = cluster.upgraded_files()
        if not changed:
            return False
        self.say(
            f"postgres: {', '.join(map(str, changed))} changed after the server started "
            "(a PostgreSQL package upgrade?): restarting it"
        )
        cluster.restart()
        self.say(f"postgres: restarted on {cluster.host}:{cluster.port}")
        return True

    def start_archiving(self, cluster: Cluster, repo: Repo) -> None:
        """Create the pgBackRest stanza once the cluster archives (a restart applies it)."""
        if cluster.setting("archive_mode") != "on":
            self.say(
                "backups: WAL archiving is configured but the running cluster started "
                "without it: `inv down && inv up` turns it on"
            )
            return
        repo.ensure_stanza()
        self.say(f"backups: WAL archived with pgBackRest into {repo.repo_path}")

    def deploy(self, to: str | None = None) -> None:
        """Deploy the Sqitch plan (a no-op when nothing is pending), then configure."""
        s = self.settings
        self.say("sqitch: deploying db/sqitch.plan")
        sqitch.deploy(s.superuser_url, to=to)
        self.configure()

    def configure(self) -> None:
        self.say(
            "database: setting role passwords, the JWT secret, the event retention and the "
            "origins that may use cookie sessions"
        )
        database.configure(
            self.settings.superuser_url,
            self.settings.secrets,
            retention_hours=self.settings.events_retention_hours,
            origins=self.settings.session_origins,
        )

    def start_gateway(self, timeout: float = 15.0) -> None:
        s = self.settings
        gateway = self.gateway()
        if gateway.is_running():
            self.say(f"gateway: running on {s.gateway_url}")
        else:
            ensure_port_free(s.gateway_host, s.gateway_port, "the gateway", "PLATFORM_GATEWAY_PORT")
            storage = "the gateway's storage service"
            ensure_port_free(s.gateway_host, s.storage_port, storage, "PLATFORM_STORAGE_PORT")
            gateway.start()
            self.say(f"gateway: started on {s.gateway_url}")
        healthy = wait_until(lambda: self._healthz() == 200 or gateway.exited_early(), timeout)
        if healthy and not gateway.exited_early():
            return
        raise OpsError(
            f"gateway not healthy at {self.healthz_url} (answer: {self._healthz()}); "
            f"last lines of {gateway.logfile}:\n{gateway.log_tail()}",
            "the gateway connects as platform_jobs: check `inv status`, then `inv up` again",
        )

    # --- down ---------------------------------------------------------------------

    def down(self) -> None:
        """Stop the front door, the gateway, PostgREST and (when embedded) the cluster."""
        self.say("front door: stopped" if self.frontdoor().down() else "front door: not running")
        self.say("gateway: stopped" if self.gateway().stop() else "gateway: not running")
        self.say("postgrest: stopped" if self.postgrest().stop() else "postgrest: not running")
        if not self.settings.embedded:
            self.say("postgres: external server, left alone")
            return
        cluster = self.cluster()
        self.say("postgres: stopped" if cluster.stop() else "postgres: not running")

    # --- status -------------------------------------------------------------------

    def status(self) -> list[Component]:
        s = self.settings
        if s.embedded:
            cluster = self.cluster()
            pg = Component(
                "postgres",
                "yes" if cluster.is_running() else "no",
                f"{s.pg_host}:{s.pg_port}",
                cluster.is_ready(),
                str(s.pgdata_dir),
            )
        else:
            pg = Component(
                "postgres",
                "external",
                redact(s.superuser_url),
                _pg_isready(s.superuser_url),
            )
        postgrest = self.postgrest()
        gateway = self.gateway()
        nginx = self.frontdoor().nginx()
        return [
            Component(
                "front door",
                "yes" if nginx.is_running() else "no",
                f"{s.frontdoor_host}:{s.frontdoor_port} (HTTP {s.frontdoor_http_port})",
                self._frontdoor_healthz() == 200,
                f"{s.frontdoor_url}/healthz",
            ),
            pg,
            Component(
                "postgrest",
                "yes" if postgrest.is_running() else "no",
                f"{s.postgrest_host}:{s.postgrest_port} (admin {s.postgrest_admin_port})",
                postgrest.is_ready(),
                postgrest.ready_url,
            ),
            Component(
                "gateway",
                "yes" if gateway.is_running() else "no",
                f"{s.gateway_host}:{s.gateway_port}",
                self._healthz() == 200,
                self.healthz_url,
            ),
            Component(
                "storage",
                "yes" if gateway.is_running() else "no",
                f"{s.gateway_host}:{s.storage_port} (in the gateway)",
                # Any JSON answer of the service (404 for a file that is not there) is alive.
                http_status(f"{s.storage_url}/storage/public/-/-", timeout=3.0) == 404,
                str(s.storage_dir),
            ),
        ]

    def _healthz(self) -> int | None:
        return http_status(self.healthz_url, timeout=3.0)

    def _frontdoor_healthz(self) -> int | None:
        """``/healthz`` through the front door, trusting the local CA (or the system's)."""
        ca = self.settings.tls_dir / "ca.pem"
        trust = ca if self.settings.tls_cert is None and ca.exists() else None
        return http_status(f"{self.settings.frontdoor_url}/healthz", timeout=3.0, cafile=trust)


def _pg_isready(url: str) -> bool:
    result = subprocess.run(["pg_isready", "--quiet", "-d", url], capture_output=True, check=False)
    return result.returncode == 0
