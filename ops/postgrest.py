"""PostgREST 12: render its config file and run it in the background.

`PostgrestConfig` is what PostgREST is told; `Postgrest` is the process (pidfile, log,
readiness through the admin server's ``/ready``). Both take explicit paths and ports so
the test suite can run its own instance next to the one ``inv up`` starts.
"""

from __future__ import annotations

import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import OpsError
from ops.database import authenticator_url
from ops.net import ensure_port_free, http_status
from ops.processes import BackgroundProcess, wait_until

if TYPE_CHECKING:
    from core.secrets import Secrets
    from core.settings import Settings

logger = logging.getLogger(__name__)

ConfValue = str | int | bool


@dataclass(frozen=True)
class PostgrestConfig:
    """The settings PostgREST runs with; `render` writes PostgREST's config syntax."""

    db_uri: str = field(repr=False)
    jwt_secret_file: Path
    #: The function PostgREST runs to read its in-database settings: the exposed schemas
    #: come from the module registry (functions/core/postgrest_config), not from here.
    pre_config: str = "platform.postgrest_pre_config"
    anon_role: str = "anon"
    pre_request: str | None = "auth.check_request"
    max_rows: int = 1000
    pool: int = 10
    host: str = "127.0.0.1"
    port: int = 3000
    admin_port: int = 3002
    cores: int = 0  # GHC capabilities (+RTS -N); 0: runtime_cores()'s default
    log_level: str = "error"
    #: Seconds PostgREST 12 caches a verified JWT (capped by its exp). Revocation is
    #: unaffected (the pre-request check runs in SQL); a secret rotation needs a restart.
    jwt_cache_max_lifetime: int = 900
    #: The address the OpenAPI description gives as the API's (the front door's /rest).
    openapi_server_proxy_uri: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, secrets: Secrets | None = None) -> PostgrestConfig:
        secrets = settings.secrets if secrets is None else secrets
        return cls(
            db_uri=authenticator_url(settings.superuser_url, secrets),
            jwt_secret_file=secrets.jwt_secret_file,
            max_rows=settings.db_max_rows,
            pool=settings.postgrest_pool,
            host=settings.postgrest_host,
            port=settings.postgrest_port,
            admin_port=settings.postgrest_admin_port,
            cores=settings.postgrest_cores,
            openapi_server_proxy_uri=f"{settings.frontdoor_url}/rest",
        )

    def items(self) -> dict[str, ConfValue]:
        items: dict[str, ConfValue] = {
            "db-uri": self.db_uri,
            "db-anon-role": self.anon_role,
            "db-max-rows": self.max_rows,
            "db-pool": self.pool,
            "db-channel-enabled": True,
            # db-schemas comes from the database: the pre-config function sets it from
            # platform.modules (the first registered module's first schema is the default
            # profile). `NOTIFY pgrst, 'reload config'` makes a running PostgREST re-read it.
            "db-config": True,
            "db-pre-config": self.pre_config,
            "jwt-secret": f"@{self.jwt_secret_file}",  # "@path": read the secret from a file
            "server-host": self.host,
            "server-port": self.port,
            "admin-server-port": self.admin_port,
            "jwt-cache-max-lifetime": self.jwt_cache_max_lifetime,
            "openapi-mode": "follow-privileges",
            "log-level": self.log_level,
        }
        if self.pre_request:
            items["db-pre-request"] = self.pre_request
        if self.openapi_server_proxy_uri:
            items["openapi-server-proxy-uri"] = self.openapi_server_proxy_uri
        return items

    def render(self) -> str:
        lines = [f"{key} = {_value(value)}" for key, value in self.items().items()]
        return "# Written by ops/postgrest.py (inv up); edit Settings instead.\n" + "\n".join(
            lines
        ) + "\n"  # fmt: skip

    def write(self, path: Path) -> bool:
        """Write the config file (mode 0600, it holds a password). True if it changed."""
        text = self.render()
        try:
            if path.read_text() == text:
                return False
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(text)
        tmp.replace(path)
        return True


def runtime_cores(requested: int = 0) -> int:
    """The GHC capabilities PostgREST runs with: ``requested``, or half the machine's cores
    (at least 1). PostgreSQL shares the machine: the 12.0.2 binary's own default (``-N``,
    every core) served fewer requests with 2-3x longer p99 tails on 2 cores than ``-N1``,
    its capabilities waiting for each other while PostgreSQL held the cores
    (docs/decisions/0015-article-page-in-sql.md)."""
    return requested or max(1, (os.cpu_count() or 2) // 2)


def runtime_options(cores: int = 0) -> tuple[str, ...]:
    """PostgREST's GHC runtime options (the binary keeps its built-in ``-I0 -qg``)."""
    return ("+RTS", f"-N{runtime_cores(cores)}", "-RTS")


@dataclass(frozen=True)
class Postgrest:
    """A PostgREST process serving ``config_path``."""

    binary: Path
    config_path: Path
    pidfile: Path
    logfile: Path
    host: str = "127.0.0.1"
    port: int = 3000
    admin_port: int = 3002
    cores: int = 0  # GHC capabilities (+RTS -N); 0: runtime_cores()'s default

    @classmethod
    def from_settings(cls, settings: Settings) -> Postgrest:
        return cls(
            binary=settings.postgrest_bin,
            config_path=settings.postgrest_config_path,
            pidfile=settings.run_dir / "postgrest.pid",
            logfile=settings.log_dir / "postgrest.log",
            host=settings.postgrest_host,
            port=settings.postgrest_port,
            admin_port=settings.postgrest_admin_port,
        )

    @property
    def process(self) -> BackgroundProcess:
        return BackgroundProcess(
            name="PostgREST",
            argv=(str(self.binary), str(self.config_path), *runtime_options(self.cores)),
            pidfile=self.pidfile,
            logfile=self.logfile,
            marker=str(self.config_path),
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ready_url(self) -> str:
        return f"http://{self.host}:{self.admin_port}/ready"

    def is_running(self) -> bool:
        return self.process.is_running()

    def is_ready(self) -> bool:
        """True when the admin server answers ``/ready`` with 200 (schema cache loaded)."""
        return http_status(self.ready_url, timeout=1.0) == 200

    def start(self, timeout: float = 30.0) -> bool:
        """Start unless running and wait for ``/ready``. True if it was started now."""
        if self.is_running():
            return False
        if not self.binary.exists():
            raise OpsError(f"PostgREST is not installed at {self.binary}", "run `make bootstrap`")
        if not self.config_path.exists():
            raise OpsError(f"no PostgREST config at {self.config_path}", "run `inv up`")
        ensure_port_free(self.host, self.port, "PostgREST", "PLATFORM_POSTGREST_PORT")
        ensure_port_free(self.host, self.admin_port, "PostgREST's admin server",
                         "PLATFORM_POSTGREST_ADMIN_PORT")  # fmt: skip
        process = self.process
        process.start()
        ready = wait_until(lambda: self.is_ready() or process.exited_early(), timeout, 0.2)
        if ready and not process.exited_early():
            return True
        crashed = process.exited_early()
        process.stop()
        raise OpsError(
            (
                "PostgREST exited at start"
                if crashed
                else f"PostgREST not ready after {timeout:.0f}s"
            )
            + f"; last lines of {self.logfile}:\n{process.log_tail()}",
            "check that the plan is deployed (`inv db.status`) and the database reachable "
            "(`inv status`); then `inv up` again",
        )

    def stop(self, timeout: float = 10.0) -> bool:
        return self.process.stop(timeout)

    def reload_config(self) -> bool:
        """Ask a running PostgREST to re-read its config file (SIGUSR2)."""
        pid = self.process.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGUSR2)
        return True

    def reload_schema(self) -> bool:
        """Ask a running PostgREST to reload its schema cache (SIGUSR1)."""
        pid = self.process.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGUSR1)
        return True


def _value(value: ConfValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
