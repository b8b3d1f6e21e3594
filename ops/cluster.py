"""The embedded PostgreSQL 15 cluster: initdb, start, stop, create a database.

`Cluster` is parameterised by its folders and port, so ``inv up`` (``var/pgdata`` on
15432, built by `ops.embedded`) and the test suite (``var/test/pgdata`` on 15439) use the
same code.

``initdb`` and ``pg_ctl`` refuse to run as root: when we are root they run as the
``postgres`` OS user (``runuser -u postgres --``), who is given the data, socket and
log folders.
"""

from __future__ import annotations

import logging
import os
import pwd
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from core.errors import OpsError
from ops.net import ensure_port_free
from ops.processes import wait_until

logger = logging.getLogger(__name__)

#: The PostgreSQL major release this machine runs clusters with (ops/bootstrap.sh installs it).
PG_MAJOR = 15
PG_BIN_DIR = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
OS_USER = "postgres"
SUPERUSER = "postgres"
CONF_FILE = "platform.conf"  # written on every start; included from postgresql.conf
#: Libraries every platform cluster preloads: pg_stat_statements feeds /metrics and
#: `inv monitor.report` (its extension is created by the Sqitch change schema/core/monitoring).
PRELOAD: tuple[str, ...] = ("pg_stat_statements",)

ConfValue = str | int | bool


@dataclass(frozen=True)
class Cluster:
    """One PostgreSQL cluster in ``pgdata``, listening on ``host:port`` and ``run_dir``."""

    pgdata: Path
    run_dir: Path
    log_file: Path
    superuser_password: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 15432
    bin_dir: Path = PG_BIN_DIR
    #: Extensions to preload (pg_cron, pg_stat_statements...): a restart applies them.
    shared_preload_libraries: tuple[str, ...] = ()
    #: Any other postgresql.conf settings, e.g. ``{"fsync": False}`` for a test cluster.
    options: Mapping[str, ConfValue] = field(default_factory=dict)
    #: Files a running server depends on but never re-reads (see `upgraded_files`);
    #: None: the server binary and ``$libdir/plpgsql.so``. A test passes its own copies.
    server_files: tuple[Path, ...] | None = None

    # --- lifecycle ------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def init(self) -> bool:
        """Run initdb unless ``pgdata`` already holds a cluster. True if it ran."""
        if self.is_initialised():
            return False
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise OpsError(
                f"{self.pgdata} is not empty but holds no PostgreSQL cluster",
                "move it away, or set PLATFORM_DATA_DIR to another folder",
            )
        self._prepare_folders()
        with self._password_file() as pwfile:
            self._run_as_owner(
                self.bin_dir / "initdb",
                "--pgdata", str(self.pgdata),
                "--username", SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
                what="initdb",
            )  # fmt: skip
        with open(self.pgdata / "postgresql.conf", "a") as conf:
            conf.write(f"\n# Platform settings (rewritten on every start)\ninclude '{CONF_FILE}'\n")
        logger.info("initialised cluster in %s", self.pgdata)
        return True

    def start(self, timeout: float = 30.0) -> bool:
        """Start the cluster unless it runs, and wait until it accepts connections.

        True if it was started now. The settings file is rewritten first, so a changed
        port or preload list applies on the next start.
        """
        if not self.is_initialised():
            raise OpsError(f"no cluster in {self.pgdata}", "call init() first (inv up does)")
        self._prepare_folders()
        self._write_conf()
        if self.is_running():
            return False
        ensure_port_free(self.host, self.port, "PostgreSQL", "PLATFORM_PG_PORT")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._run_as_owner(
                self.bin_dir / "pg_ctl", "start",
                "--pgdata", str(self.pgdata),
                "--log", str(self.log_file),
                "--wait", "--timeout", str(int(timeout)), "--silent",
                what="pg_ctl start",
            )  # fmt: skip
        except OpsError as exc:
            raise OpsError(f"{exc.message}\n{self._log_tail()}", exc.hint) from exc
        if not wait_until(self.is_ready, timeout):
            raise OpsError(
                f"PostgreSQL started but is not accepting connections on {self.host}:{self.port}",
                f"read {self.log_file}",
            )
        logger.info("started cluster %s on %s:%d", self.pgdata, self.host, self.port)
        return True

    def stop(self, mode: str = "fast", timeout: float = 60.0) -> bool:
        """Stop the cluster (``fast`` rolls back open transactions). False if not running."""
        if not self.is_running():
            return False
        self._run_as_owner(
            self.bin_dir / "pg_ctl", "stop",
            "--pgdata", str(self.pgdata),
            "--mode", mode, "--wait", "--timeout", str(int(timeout)), "--silent",
            what="pg_ctl stop",
        )  # fmt: skip
        logger.info("stopped cluster %s", self.pgdata)
        return True

    def restart(self, timeout: float = 60.0) -> None:
        """Restart the running server (``pg_ctl restart``, fast mode) and wait until ready."""
        self._write_conf()
        try:
            self._run_as_owner(
                self.bin_dir / "pg_ctl", "restart",
                "--pgdata", str(self.pgdata),
                "--log", str(self.log_file),
                "--mode", "fast", "--wait", "--timeout", str(int(timeout)), "--silent",
                what="pg_ctl restart",
            )  # fmt: skip
        except OpsError as exc:
            raise OpsError(f"{exc.message}\n{self._log_tail()}", exc.hint) from exc
        if not wait_until(self.is_ready, timeout):
            raise OpsError(
                f"PostgreSQL restarted but is not accepting connections on {self.host}:{self.port}",
                f"read {self.log_file}",
            )
        logger.info("restarted cluster %s", self.pgdata)

    def upgraded_files(self) -> list[Path]:
        """The `server_files` replaced since the running server started (else empty).

        A Debian upgrade of ``postgresql-15`` (which any extension package can pull in)
        replaces the binaries under a running server: it keeps running the old code, but
        each new backend loads the new ``plpgsql.so`` and fails until a restart. dpkg
        gives installed files the package's build time as mtime, so the inode change
        time (ctime, set when the file is written, renamed into place or touched) is
        what says a file is newer than ``pg_postmaster_start_time()``.
        """
        if not self.is_running():
            return []
        with self._connect() as conn:
            row = conn.execute(
                "select extract(epoch from pg_postmaster_start_time())::float8,"
                " (select setting from pg_config where name = 'PKGLIBDIR')"
            ).fetchone()
        assert row is not None
        started, libdir = float(str(row[0])), Path(str(row[1]))
        files = self.server_files
        if files is None:
            files = (self.bin_dir / "postgres", libdir / "plpgsql.so")
        changed = []
        for path in files:
            try:
                if path.stat().st_ctime > started:
                    changed.append(path)
            except FileNotFoundError:
                logger.warning("server file %s not found: not checked for an upgrade", path)
        return changed

    def pending_restart(self) -> list[str]:
        """Settings of the written config a running server applies only after a restart.

        The config file is rewritten on every `start`, even when the server already
        runs: a cluster created before a library joined `PRELOAD` keeps running without
        it until restarted. This reloads the config and asks the server what is pending.
        """
        if not self.is_running():
            return []
        self._write_conf()
        with self._connect() as conn:
            before = conn.execute("select pg_conf_load_time()").fetchone()
            conn.execute("select pg_reload_conf()")
            wait_until(lambda: conn.execute("select pg_conf_load_time()").fetchone() != before, 5.0)
            rows = conn.execute(
                "select name from pg_settings where pending_restart order by name"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def is_running(self) -> bool:
        """True when a postmaster runs on ``pgdata`` (``pg_ctl status``)."""
        if not self.is_initialised():
            return False
        argv = self._owner_argv(
            [str(self.bin_dir / "pg_ctl"), "status", "--pgdata", str(self.pgdata)]
        )
        return subprocess.run(argv, capture_output=True, cwd="/", check=False).returncode == 0

    def setting(self, name: str) -> str:
        """The running server's value of ``name`` (``show``)."""
        with self._connect() as conn:
            row = conn.execute("select current_setting(%s)", (name,)).fetchone()
            return "" if row is None else str(row[0])

    def is_ready(self) -> bool:
        """True when the server accepts connections on ``host:port`` (``pg_isready``)."""
        argv = [str(self.bin_dir / "pg_isready"), "--quiet", "-h", self.host, "-p", str(self.port)]
        return subprocess.run(argv, capture_output=True, check=False).returncode == 0

    # --- databases ------------------------------------------------------------------

    def url(
        self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """A TCP libpq URL; the superuser's password when ``user`` is the superuser."""
        if password is None and user == SUPERUSER:
            password = self.superuser_password
        userinfo = quote(user, safe="")
        if password is not None:
            userinfo += ":" + quote(password, safe="")
        return f"postgresql://{userinfo}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def create_database(self, name: str, template: str | None = None) -> bool:
        """Create database ``name`` (optionally from ``template``) unless it exists."""
        with self._connect() as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
                return False
            query = sql.SQL("create database {}").format(sql.Identifier(name))
            if template is not None:
                query += sql.SQL(" template {}").format(sql.Identifier(template))
            conn.execute(query)
        logger.info("created database %s", name)
        return True

    def drop_database(self, name: str) -> bool:
        """Drop database ``name`` (disconnecting its sessions) if it exists."""
        with self._connect() as conn:
            if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
                return False
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
        return True

    # --- internals ------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        try:
            return psycopg.connect(self.url(), autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            raise OpsError(
                f"cannot connect to the cluster on {self.host}:{self.port} as {SUPERUSER}: "
                f"{str(exc).strip()}",
                "`inv status` shows whether it runs; if var/secrets was deleted after the "
                "cluster was created, the superuser password no longer matches: restore it, "
                "or delete the data folder (this loses its data)",
            ) from exc

    def _write_conf(self) -> None:
        settings: dict[str, ConfValue] = {
            "listen_addresses": self.host,
            "port": self.port,
            "unix_socket_directories": str(self.run_dir),
            "shared_preload_libraries": ",".join(self.shared_preload_libraries),
            "log_destination": "stderr",
            "logging_collector": False,
            "log_line_prefix": "%m [%p] %q%u@%d ",
            "log_min_duration_statement": 1000,
            # A slow statement is logged without its parameters: PostgREST passes the
            # request body as one, and /rpc/login's holds a password (docs/auth.md).
            "log_parameter_max_length": 0,
            **self.options,
        }
        lines = [f"{key} = {_conf_value(value)}" for key, value in settings.items()]
        path = self.pgdata / CONF_FILE
        path.write_text("# Written by ops/cluster.py on every start; edit Cluster instead.\n"
                        + "\n".join(lines) + "\n")  # fmt: skip
        self._give_to_owner(path)

    def _prepare_folders(self) -> None:
        for folder in (self.pgdata, self.run_dir, self.log_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
            self._give_to_owner(folder)
        os.chmod(self.pgdata, 0o700)
        if os.geteuid() == 0 and not self._owner_can_write():
            self._grant_traverse()
            if not self._owner_can_write():
                raise OpsError(
                    f"the {OS_USER} OS user cannot reach {self.pgdata.parent} "
                    "(a parent folder is private, e.g. under /root)",
                    "set PLATFORM_DATA_DIR to a folder every user can traverse",
                )

    def _owner_can_write(self) -> bool:
        probe = self._owner_argv(["test", "-w", str(self.pgdata), "-a", "-w", str(self.run_dir)])
        return subprocess.run(probe, cwd="/", check=False).returncode == 0

    def _grant_traverse(self) -> None:
        """Let the postgres OS user traverse the private folders above the data folder.

        A project cloned under a private folder (``mktemp -d``, ``/root``) would keep
        PostgreSQL out of its own data folder. An ACL entry grants the ``postgres`` user
        the right to pass through (``x``, not to list) those folders, nobody else.
        """
        for folder in reversed(self.pgdata.resolve().parents):
            probe = self._owner_argv(["test", "-x", str(folder)])
            if subprocess.run(probe, cwd="/", check=False).returncode == 0:
                continue
            logger.warning("granting the %s OS user traverse (x) on %s", OS_USER, folder)
            try:
                subprocess.run(
                    ["setfacl", "-m", f"u:{OS_USER}:x", str(folder)],
                    check=True, capture_output=True,
                )  # fmt: skip
            except (FileNotFoundError, subprocess.CalledProcessError) as exc:
                raise OpsError(
                    f"cannot let the {OS_USER} OS user traverse {folder}: {exc}",
                    "run `make bootstrap` (it installs setfacl), or set PLATFORM_DATA_DIR "
                    "to a folder every user can traverse",
                ) from exc

    @contextmanager
    def _password_file(self) -> Iterator[Path]:
        """A 0600 file with the superuser password for initdb, readable by its owner."""
        fd, name = tempfile.mkstemp(dir=self.run_dir, prefix=".pwfile.")
        path = Path(name)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(self.superuser_password + "\n")
            self._give_to_owner(path)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _give_to_owner(self, path: Path) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OS_USER)
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def _owner_argv(self, argv: Sequence[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", OS_USER, "--", *argv]
        return list(argv)

    def _run_as_owner(self, program: Path, *args: str, what: str) -> None:
        argv = self._owner_argv([str(program), *args])
        try:
            result = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=False)
        except FileNotFoundError as exc:
            raise OpsError(
                f"{what}: {exc.filename} not found", "run `make bootstrap` to install PostgreSQL 15"
            ) from exc
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip()
            raise OpsError(
                f"{what} failed (exit {result.returncode}): {output}", f"read {self.log_file}"
            )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _conf_value(value: ConfValue) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"
