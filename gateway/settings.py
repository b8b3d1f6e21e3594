"""The one settings object of the gateway and the ops tasks, read from the environment.

Every variable is optional; the defaults run everything on 127.0.0.1 with an embedded
PostgreSQL cluster under ``var/``. Set ``DATABASE_URL`` (a superuser or database-owner
URL: it runs the deploys) to use an external server instead of the embedded cluster.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from ops.errors import OpsError
from ops.secrets import Secrets, check_jwt_secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Schemas PostgREST exposes; the first is the default profile. Domain modules append.
API_SCHEMAS: tuple[str, ...] = ("api", "publishing")

SUPERUSER = "postgres"

#: Event loops the gateway can run on (`gateway.__main__`).
EVENT_LOOPS = ("uvloop", "asyncio")

#: Settings that must be positive numbers, and the variable each comes from.
_POSITIVE = {
    "events_retention_hours": "PLATFORM_EVENTS_RETENTION_HOURS",
    "realtime_client_buffer_bytes": "PLATFORM_REALTIME_CLIENT_BUFFER",
    "realtime_max_subscriptions": "PLATFORM_REALTIME_MAX_SUBSCRIPTIONS",
    "realtime_max_connections": "PLATFORM_REALTIME_MAX_CONNECTIONS",
    "realtime_max_connections_per_address": "PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS",
    "realtime_ping_seconds": "PLATFORM_REALTIME_PING",
    "realtime_close_seconds": "PLATFORM_REALTIME_CLOSE_TIMEOUT",
    "realtime_poll_seconds": "PLATFORM_REALTIME_POLL",
    "realtime_session_check_seconds": "PLATFORM_REALTIME_SESSION_CHECK",
    "realtime_drain_seconds": "PLATFORM_REALTIME_DRAIN",
    "monitor_statement_timeout_seconds": "PLATFORM_MONITOR_STATEMENT_TIMEOUT",
    "monitor_top_statements": "PLATFORM_MONITOR_TOP_STATEMENTS",
    "monitor_max_tables": "PLATFORM_MONITOR_MAX_TABLES",
    "monitor_large_table_rows": "PLATFORM_MONITOR_LARGE_TABLE_ROWS",
    "monitor_max_transaction_age": "PLATFORM_MONITOR_MAX_TRANSACTION_AGE",
    "monitor_max_query_age": "PLATFORM_MONITOR_MAX_QUERY_AGE",
    "monitor_max_locks_waiting": "PLATFORM_MONITOR_MAX_LOCKS_WAITING",
    "monitor_max_replication_lag": "PLATFORM_MONITOR_MAX_REPLICATION_LAG",
    "monitor_max_archive_pending": "PLATFORM_MONITOR_MAX_ARCHIVE_PENDING",
    "monitor_max_xid_age": "PLATFORM_MONITOR_MAX_XID_AGE",
    "backup_wal_seconds": "PLATFORM_BACKUP_WAL_SECONDS",
    "backup_keep_days": "PLATFORM_BACKUP_KEEP_DAYS",
}

#: Settings that must be zero (for the backup schedules: off) or more.
_NOT_NEGATIVE = {
    "monitor_cache_seconds": "PLATFORM_MONITOR_CACHE_SECONDS",
    "monitor_unused_index_min_bytes": "PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES",
    "backup_logical_hours": "PLATFORM_BACKUP_LOGICAL_HOURS",
    "backup_physical_hours": "PLATFORM_BACKUP_PHYSICAL_HOURS",
}

#: Settings that are fractions between 0 and 1.
_FRACTIONS = {
    "monitor_max_connections_used": "PLATFORM_MONITOR_MAX_CONNECTIONS_USED",
    "monitor_min_cache_hit": "PLATFORM_MONITOR_MIN_CACHE_HIT",
    "monitor_max_dead_tuples_ratio": "PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO",
}


class SettingsError(OpsError):
    """An environment variable has a value the platform cannot use."""


@dataclass(frozen=True)
class Settings:
    """Where things live and which ports they use. Build it with `Settings.from_env`."""

    project_root: Path = PROJECT_ROOT
    data_dir: Path = PROJECT_ROOT / "var"
    pg_host: str = "127.0.0.1"
    pg_port: int = 54320
    db_name: str = "platform"
    database_url: str | None = field(default=None, repr=False)
    postgrest_host: str = "127.0.0.1"
    postgrest_port: int = 3000
    postgrest_admin_port: int = 3002
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 3001
    jwt_secret: str | None = field(default=None, repr=False)
    api_schemas: tuple[str, ...] = API_SCHEMAS
    db_max_rows: int = 1000
    postgrest_pool: int = 10
    scheduler_tick_seconds: float = 5.0
    #: The gateway's asyncio event loop: "uvloop" (libuv; the default) or "asyncio".
    gateway_event_loop: str = "uvloop"
    # Realtime (gateway/realtime.py and friends); see README "Realtime".
    events_retention_hours: float = 24.0
    realtime_client_buffer_bytes: int = 1 << 20
    realtime_max_subscriptions: int = 100
    #: Caps on open /realtime connections, in all and per client address (gateway/limits.py).
    realtime_max_connections: int = 10_000
    realtime_max_connections_per_address: int = 200
    realtime_ping_seconds: float = 20.0
    #: How long a closing socket may take to flush what it was sent (an overflowing
    #: client's backlog, then its resync and close frame) before it is cut off.
    realtime_close_seconds: float = 10.0
    realtime_poll_seconds: float = 1.0
    realtime_read_interval_seconds: float = 0.025
    realtime_session_check_seconds: float = 5.0
    realtime_drain_seconds: float = 5.0
    # Monitoring (gateway/monitor.py, ops/monitoring.py); see README "Monitoring".
    #: How long one reading of the statistics serves /metrics and /healthz (0: every time).
    monitor_cache_seconds: float = 10.0
    monitor_statement_timeout_seconds: float = 2.0
    monitor_top_statements: int = 20
    #: Per-table metrics: the largest tables, the most dead tuples, the most scanned rows.
    monitor_max_tables: int = 50
    #: Tables from this many rows count as large (sequential scans, dead-tuple ratio).
    monitor_large_table_rows: int = 10_000
    monitor_unused_index_min_bytes: int = 1 << 20
    # Thresholds: a breach makes /healthz "degraded" with the reason.
    monitor_max_connections_used: float = 0.8
    monitor_max_transaction_age: float = 300.0
    monitor_max_query_age: float = 60.0
    monitor_min_cache_hit: float = 0.95
    monitor_max_dead_tuples_ratio: float = 0.2
    monitor_max_locks_waiting: int = 10
    monitor_max_replication_lag: int = 256 << 20
    monitor_max_archive_pending: int = 16
    monitor_max_xid_age: int = 500_000_000
    # Backups (ops/backups, gateway/backups.py); see README "Backups and recovery".
    #: The embedded cluster archives its WAL with pgBackRest (a change needs a restart).
    backup_archive: bool = True
    #: archive_timeout: a WAL segment is archived at least this often while anything writes.
    backup_wal_seconds: int = 3600
    #: The gateway takes a logical / physical backup when the last good one is older than
    #: this many hours (0: never; the default, so only configured gateways back up).
    backup_logical_hours: float = 0.0
    backup_physical_hours: float = 0.0
    #: Backups older than this are removed (the newest good one of each kind always stays).
    backup_keep_days: float = 7.0
    #: gzip level of logical dumps (0-9). 0 by default: PostgreSQL 15's pg_dump compresses
    #: with gzip on one core, the dump's slowest part. On 1,000,000 articles (5.7 GB):
    #: level 0 dumps 4.9 GB in 44 s, level 1 2.0 GB in 90 s, level 6 (pg_dump's) 372 s.
    backup_compress: int = 0

    def __post_init__(self) -> None:
        try:
            check_jwt_secret(self.jwt_secret)
        except OpsError as exc:
            raise SettingsError(exc.message, exc.hint) from exc
        if self.database_url is not None:
            _check_url(self.database_url)
        for name in ("pg_port", "postgrest_port", "postgrest_admin_port", "gateway_port"):
            port = getattr(self, name)
            if not 0 < port < 65536:
                raise SettingsError(
                    f"{name} is {port}, not a TCP port",
                    f"set PLATFORM_{name.upper()} to a number between 1 and 65535",
                )
        if not 0 <= self.scheduler_tick_seconds < math.inf:
            raise SettingsError(
                f"PLATFORM_SCHEDULER_TICK is {self.scheduler_tick_seconds}, not seconds",
                "set PLATFORM_SCHEDULER_TICK to the seconds between job runs (0: no scheduler)",
            )

        if not 0 <= self.realtime_read_interval_seconds < 10:
            raise SettingsError(
                f"PLATFORM_REALTIME_READ_INTERVAL is {self.realtime_read_interval_seconds}",
                "set it to the seconds between outbox reads under load (0 to 10; 0: no wait)",
            )
        if not 0 <= self.backup_compress <= 9:
            raise SettingsError(
                f"PLATFORM_BACKUP_COMPRESS is {self.backup_compress}",
                "set it to a gzip level from 0 (none, fastest) to 9 (smallest); default 0",
            )
        if self.gateway_event_loop not in EVENT_LOOPS:
            raise SettingsError(
                f"PLATFORM_GATEWAY_EVENT_LOOP is {self.gateway_event_loop!r}",
                f"set it to one of {', '.join(EVENT_LOOPS)} or unset it",
            )
        for name, variable in _POSITIVE.items():
            value = getattr(self, name)
            if not 0 < value < math.inf:
                raise SettingsError(
                    f"{variable} is {value}; it must be a positive number",
                    f"fix or unset {variable}",
                )
        for name, variable in _NOT_NEGATIVE.items():
            value = getattr(self, name)
            if not 0 <= value < math.inf:
                raise SettingsError(
                    f"{variable} is {value}; it must be zero or more", f"fix or unset {variable}"
                )
        for name, variable in _FRACTIONS.items():
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise SettingsError(
                    f"{variable} is {value}; it must be a fraction between 0 and 1",
                    f"fix or unset {variable} (e.g. 0.8 for 80 %)",
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``PLATFORM_*`` variables and ``DATABASE_URL`` (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        data_dir = env.get("PLATFORM_DATA_DIR")
        return cls(
            data_dir=Path(data_dir).resolve() if data_dir else PROJECT_ROOT / "var",
            pg_host=env.get("PLATFORM_PG_HOST", "127.0.0.1"),
            pg_port=_int(env, "PLATFORM_PG_PORT", 54320),
            db_name=env.get("PLATFORM_DB_NAME", "platform"),
            database_url=env.get("DATABASE_URL") or None,
            postgrest_host=env.get("PLATFORM_POSTGREST_HOST", "127.0.0.1"),
            postgrest_port=_int(env, "PLATFORM_POSTGREST_PORT", 3000),
            postgrest_admin_port=_int(env, "PLATFORM_POSTGREST_ADMIN_PORT", 3002),
            gateway_host=env.get("PLATFORM_GATEWAY_HOST", "127.0.0.1"),
            gateway_port=_int(env, "PLATFORM_GATEWAY_PORT", 3001),
            jwt_secret=env.get("PLATFORM_JWT_SECRET") or None,
            db_max_rows=_int(env, "PLATFORM_DB_MAX_ROWS", 1000),
            postgrest_pool=_int(env, "PLATFORM_POSTGREST_POOL", 10),
            scheduler_tick_seconds=_float(env, "PLATFORM_SCHEDULER_TICK", 5.0),
            gateway_event_loop=env.get("PLATFORM_GATEWAY_EVENT_LOOP", "uvloop"),
            events_retention_hours=_float(env, "PLATFORM_EVENTS_RETENTION_HOURS", 24.0),
            realtime_client_buffer_bytes=_int(env, "PLATFORM_REALTIME_CLIENT_BUFFER", 1 << 20),
            realtime_max_subscriptions=_int(env, "PLATFORM_REALTIME_MAX_SUBSCRIPTIONS", 100),
            realtime_max_connections=_int(env, "PLATFORM_REALTIME_MAX_CONNECTIONS", 10_000),
            realtime_max_connections_per_address=_int(
                env, "PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS", 200
            ),
            realtime_ping_seconds=_float(env, "PLATFORM_REALTIME_PING", 20.0),
            realtime_close_seconds=_float(env, "PLATFORM_REALTIME_CLOSE_TIMEOUT", 10.0),
            realtime_poll_seconds=_float(env, "PLATFORM_REALTIME_POLL", 1.0),
            realtime_read_interval_seconds=_float(env, "PLATFORM_REALTIME_READ_INTERVAL", 0.025),
            realtime_session_check_seconds=_float(env, "PLATFORM_REALTIME_SESSION_CHECK", 5.0),
            realtime_drain_seconds=_float(env, "PLATFORM_REALTIME_DRAIN", 5.0),
            monitor_cache_seconds=_float(env, "PLATFORM_MONITOR_CACHE_SECONDS", 10.0),
            monitor_statement_timeout_seconds=_float(
                env, "PLATFORM_MONITOR_STATEMENT_TIMEOUT", 2.0
            ),
            monitor_top_statements=_int(env, "PLATFORM_MONITOR_TOP_STATEMENTS", 20),
            monitor_max_tables=_int(env, "PLATFORM_MONITOR_MAX_TABLES", 50),
            monitor_large_table_rows=_int(env, "PLATFORM_MONITOR_LARGE_TABLE_ROWS", 10_000),
            monitor_unused_index_min_bytes=_int(
                env, "PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES", 1 << 20
            ),
            monitor_max_connections_used=_float(env, "PLATFORM_MONITOR_MAX_CONNECTIONS_USED", 0.8),
            monitor_max_transaction_age=_float(env, "PLATFORM_MONITOR_MAX_TRANSACTION_AGE", 300.0),
            monitor_max_query_age=_float(env, "PLATFORM_MONITOR_MAX_QUERY_AGE", 60.0),
            monitor_min_cache_hit=_float(env, "PLATFORM_MONITOR_MIN_CACHE_HIT", 0.95),
            monitor_max_dead_tuples_ratio=_float(
                env, "PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO", 0.2
            ),
            monitor_max_locks_waiting=_int(env, "PLATFORM_MONITOR_MAX_LOCKS_WAITING", 10),
            monitor_max_replication_lag=_int(
                env, "PLATFORM_MONITOR_MAX_REPLICATION_LAG", 256 << 20
            ),
            monitor_max_archive_pending=_int(env, "PLATFORM_MONITOR_MAX_ARCHIVE_PENDING", 16),
            monitor_max_xid_age=_int(env, "PLATFORM_MONITOR_MAX_XID_AGE", 500_000_000),
            backup_archive=_bool(env, "PLATFORM_BACKUP_ARCHIVE", True),
            backup_wal_seconds=_int(env, "PLATFORM_BACKUP_WAL_SECONDS", 3600),
            backup_logical_hours=_float(env, "PLATFORM_BACKUP_LOGICAL_HOURS", 0.0),
            backup_physical_hours=_float(env, "PLATFORM_BACKUP_PHYSICAL_HOURS", 0.0),
            backup_keep_days=_float(env, "PLATFORM_BACKUP_KEEP_DAYS", 7.0),
            backup_compress=_int(env, "PLATFORM_BACKUP_COMPRESS", 0),
        )

    # --- folders and files -------------------------------------------------------

    @property
    def pgdata_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def run_dir(self) -> Path:
        """Pidfiles and the PostgreSQL Unix socket."""
        return self.data_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"

    @property
    def backups_dir(self) -> Path:
        """Logical dumps, physical backup manifests and the pgBackRest repository."""
        return self.data_dir / "backups"

    @property
    def tools_dir(self) -> Path:
        return self.project_root / ".tools"

    @property
    def postgrest_bin(self) -> Path:
        return self.tools_dir / "postgrest" / "postgrest"

    @property
    def postgrest_config_path(self) -> Path:
        return self.data_dir / "postgrest.conf"

    @property
    def venv_python(self) -> Path:
        return self.project_root / ".venv" / "bin" / "python"

    # --- the database ---------------------------------------------------------------

    @property
    def embedded(self) -> bool:
        """True when the platform runs its own cluster (no ``DATABASE_URL``)."""
        return self.database_url is None

    @property
    def secrets(self) -> Secrets:
        """The data folder's secrets, generated on first use."""
        return Secrets.load_or_create(self.secrets_dir, self.jwt_secret)

    @property
    def superuser_url(self) -> str:
        """The URL deploys run with: ``DATABASE_URL``, or the embedded cluster's superuser."""
        if self.database_url is not None:
            return self.database_url
        return self.role_url(SUPERUSER, self.secrets.postgres_password)

    def role_url(self, role: str, password: str) -> str:
        """A URL to the platform database as ``role`` (same server as `superuser_url`)."""
        if self.database_url is not None:
            return with_credentials(self.database_url, role, password)
        return (
            f"postgresql://{quote(role, safe='')}:{quote(password, safe='')}"
            f"@{_url_host(self.pg_host)}:{self.pg_port}/{quote(self.db_name, safe='')}"
        )

    # --- public addresses -------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://{_url_host(self.postgrest_host)}:{self.postgrest_port}"

    @property
    def postgrest_admin_url(self) -> str:
        return f"http://{_url_host(self.postgrest_host)}:{self.postgrest_admin_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{_url_host(self.gateway_host)}:{self.gateway_port}"

    @property
    def realtime_url(self) -> str:
        return f"ws://{_url_host(self.gateway_host)}:{self.gateway_port}/realtime"


def with_credentials(url: str, user: str, password: str | None) -> str:
    """Return the libpq URL ``url`` with its user and password replaced."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    userinfo = quote(user, safe="")
    if password is not None:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise SettingsError(
            "DATABASE_URL must be a URL like postgresql://user:password@host:5432/dbname",
            "fix DATABASE_URL, or unset it to use the embedded cluster",
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be an integer, got {raw!r}", f"fix or unset {name}"
        ) from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    raise SettingsError(f"{name} must be on or off, got {raw!r}", f"fix or unset {name}")


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be a number, got {raw!r}", f"fix or unset {name}"
        ) from None
