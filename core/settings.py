"""The one settings object of the gateway and the ops tasks, read from the environment.

Every variable is optional; the defaults run everything on 127.0.0.1 with an embedded
PostgreSQL cluster under ``var/``. Set ``DATABASE_URL`` (a superuser or database-owner
URL: it runs the deploys) to use an external server instead of the embedded cluster.

Each setting is declared once, as a field below (`core.fields.setting`): its type, default,
variable, description and rule. `Settings.from_env` reads the variables, every
construction checks the rules, and ``inv docs.settings`` writes docs/settings.md from the
same declarations. A new setting is one more field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.fields import (
    FRACTION,
    NOT_NEGATIVE,
    PORT,
    POSITIVE,
    Rule,
    between,
    check,
    choice,
    read_env,
    setting,
)
from core.paths import PROJECT_ROOT
from core.secrets import (
    MIN_JWT_SECRET_LENGTH,
    SHORT_JWT_ADVICE,
    Secrets,
    jwt_secret_is_long_enough,
)
from core.urls import are_origins, is_postgres_url, origins, url_host, with_credentials

SUPERUSER = "postgres"

#: Event loops the gateway can run on (`gateway.__main__`).
EVENT_LOOPS = ("uvloop", "asyncio")

_DATABASE_URL = Rule("a URL like postgresql://user:password@host:5432/dbname", is_postgres_url)
_JWT_SECRET = Rule(f"at least {MIN_JWT_SECRET_LENGTH} characters", jwt_secret_is_long_enough)
_ORIGINS = Rule(
    "comma-separated origins like https://app.example.com:8443 (scheme://host[:port], no path)",
    are_origins,
)


@dataclass(frozen=True)
class Settings:
    """Where things live and which ports they use. Build it with `Settings.from_env`."""

    project_root: Path = PROJECT_ROOT
    # One line per setting, however long (ruff's E501 is off for this file).
    # fmt: off
    # The stack: where it keeps its files, where each part listens.
    data_dir: Path = setting(PROJECT_ROOT / "var", "PLATFORM_DATA_DIR", "Data folder: cluster, secrets, logs, backups", shown_default="var/ in the project")
    pg_host: str = setting("127.0.0.1", "PLATFORM_PG_HOST", "Address of the embedded PostgreSQL")
    pg_port: int = setting(15432, "PLATFORM_PG_PORT", "Port of the embedded PostgreSQL", PORT)
    db_name: str = setting("platform", "PLATFORM_DB_NAME", "The platform database's name")
    database_url: str | None = setting(None, "DATABASE_URL", "An external server (superuser or owner URL) instead of the embedded cluster", _DATABASE_URL, secret=True, hint="fix DATABASE_URL, or unset it to use the embedded cluster")
    postgrest_host: str = setting("127.0.0.1", "PLATFORM_POSTGREST_HOST", "Address of PostgREST")
    postgrest_port: int = setting(3000, "PLATFORM_POSTGREST_PORT", "Port of PostgREST's API", PORT)
    postgrest_admin_port: int = setting(3002, "PLATFORM_POSTGREST_ADMIN_PORT", "Port of PostgREST's admin server (/ready, /live)", PORT)
    gateway_host: str = setting("127.0.0.1", "PLATFORM_GATEWAY_HOST", "Address of the gateway")
    gateway_port: int = setting(3001, "PLATFORM_GATEWAY_PORT", "Port of the gateway (/realtime, /healthz, /metrics)", PORT)
    jwt_secret: str | None = setting(None, "PLATFORM_JWT_SECRET", "JWT signing secret (default: generated into var/secrets)", _JWT_SECRET, secret=True, hint=SHORT_JWT_ADVICE)
    db_max_rows: int = setting(1000, "PLATFORM_DB_MAX_ROWS", "PostgREST's db-max-rows (most rows one request returns)")
    postgrest_pool: int = setting(10, "PLATFORM_POSTGREST_POOL", "PostgREST's connection pool size")
    postgrest_cores: int = setting(0, "PLATFORM_POSTGREST_CORES", "Cores PostgREST's runtime uses (+RTS -N); 0: half the machine's, at least 1 (docs/decisions/0015)", NOT_NEGATIVE)
    scheduler_tick_seconds: float = setting(5.0, "PLATFORM_SCHEDULER_TICK", "Seconds between the gateway's runs of due jobs (0: no scheduler)", NOT_NEGATIVE)
    gateway_event_loop: str = setting("uvloop", "PLATFORM_GATEWAY_EVENT_LOOP", "The gateway's asyncio event loop (uvloop: libuv's, written in C)", choice(*EVENT_LOOPS))
    # The front door (ops/frontdoor): nginx, the one HTTPS origin; see docs/frontdoor.md.
    frontdoor_host: str = setting("127.0.0.1", "PLATFORM_FRONTDOOR_HOST", "Address the front door (nginx) listens on")
    frontdoor_port: int = setting(8443, "PLATFORM_FRONTDOOR_PORT", "The front door's HTTPS port: /rest/, /realtime, /storage/, /healthz and the web/ folder", PORT)
    frontdoor_http_port: int = setting(8080, "PLATFORM_FRONTDOOR_HTTP_PORT", "The front door's plain HTTP port (it only redirects to HTTPS)", PORT)
    frontdoor_user: str = setting("www-data", "PLATFORM_FRONTDOOR_USER", "OS user nginx's workers run as when the platform runs as root (they read web/ and the storage folder)")
    frontdoor_workers: int = setting(0, "PLATFORM_FRONTDOOR_WORKERS", "nginx worker processes (0: one per core)", NOT_NEGATIVE)
    frontdoor_worker_connections: int = setting(4096, "PLATFORM_FRONTDOOR_WORKER_CONNECTIONS", "Connections one nginx worker holds (a proxied WebSocket takes two)", POSITIVE)
    tls_cert: Path | None = setting(None, "PLATFORM_TLS_CERT", "Your own certificate (PEM, chain after it) for the front door; unset: a local CA's, made into var/secrets/tls", shown_default="unset")
    tls_key: Path | None = setting(None, "PLATFORM_TLS_KEY", "The private key (PEM) of PLATFORM_TLS_CERT", shown_default="unset")
    frontdoor_hsts_seconds: int = setting(31_536_000, "PLATFORM_FRONTDOOR_HSTS_SECONDS", "Strict-Transport-Security max-age (browsers ignore it for IP addresses; 0 tells them to forget it)", NOT_NEGATIVE)
    cors_origins: str = setting("", "PLATFORM_CORS_ORIGINS", "Other origins whose pages may call the API with credentials (CORS, cookie sessions, WebSocket upgrades by cookie), comma-separated (empty: the front door's own origin only)", _ORIGINS)
    frontdoor_rate: int = setting(20, "PLATFORM_FRONTDOOR_RATE", "Requests per second one client address may make (a token bucket)", POSITIVE)
    frontdoor_burst: int = setting(100, "PLATFORM_FRONTDOOR_BURST", "Requests one address may make at once above PLATFORM_FRONTDOOR_RATE", NOT_NEGATIVE)
    frontdoor_auth_rate: int = setting(10, "PLATFORM_FRONTDOOR_AUTH_RATE", "Calls per minute one address may make to login, register, refresh and change_password", POSITIVE)
    frontdoor_auth_burst: int = setting(5, "PLATFORM_FRONTDOOR_AUTH_BURST", "Calls to those functions one address may make at once above the rate", NOT_NEGATIVE)
    frontdoor_websockets_per_address: int = setting(20, "PLATFORM_FRONTDOOR_WEBSOCKETS_PER_ADDRESS", "Open /realtime WebSockets one client address may hold through the front door", POSITIVE)
    frontdoor_max_header_bytes: int = setting(8192, "PLATFORM_FRONTDOOR_MAX_HEADER_BYTES", "Longest request line (URL) or header line; longer gets 414 or 400", between(1024, 65536))
    frontdoor_rest_max_body: int = setting(1 << 20, "PLATFORM_FRONTDOOR_REST_MAX_BODY", "Largest request body to /rest/ in bytes (413 above)", POSITIVE)
    frontdoor_storage_max_body: int = setting(50 << 20, "PLATFORM_FRONTDOOR_STORAGE_MAX_BODY", "Largest upload to /storage/ in bytes (413 above)", POSITIVE)
    frontdoor_cache_seconds: int = setting(1, "PLATFORM_FRONTDOOR_CACHE_SECONDS", "Seconds an anonymous GET on /rest/ is cached (0: no micro-cache)", NOT_NEGATIVE)
    # Realtime (gateway/realtime.py and friends); see docs/realtime.md.
    events_retention_hours: float = setting(24.0, "PLATFORM_EVENTS_RETENTION_HOURS", "Hours events stay in the outbox (what `since` can replay)", POSITIVE)
    realtime_client_buffer_bytes: int = setting(1 << 20, "PLATFORM_REALTIME_CLIENT_BUFFER", "Bytes queued for one client before it is resynced", POSITIVE)
    realtime_max_subscriptions: int = setting(100, "PLATFORM_REALTIME_MAX_SUBSCRIPTIONS", "Topics one connection may subscribe to", POSITIVE)
    realtime_max_connections: int = setting(10_000, "PLATFORM_REALTIME_MAX_CONNECTIONS", "Open /realtime connections in all; past it an upgrade gets 503 server_full (gateway/limits.py)", POSITIVE)
    realtime_max_connections_per_address: int = setting(200, "PLATFORM_REALTIME_MAX_CONNECTIONS_PER_ADDRESS", "Open /realtime connections per client address; past it an upgrade gets 429 too_many_connections", POSITIVE)
    realtime_ping_seconds: float = setting(20.0, "PLATFORM_REALTIME_PING", "Seconds between WebSocket pings", POSITIVE)
    realtime_close_seconds: float = setting(10.0, "PLATFORM_REALTIME_CLOSE_TIMEOUT", "Seconds a closing socket may take to flush its backlog, resync and close frame", POSITIVE)
    realtime_poll_seconds: float = setting(1.0, "PLATFORM_REALTIME_POLL", "Seconds between outbox reads when no NOTIFY arrives", POSITIVE)
    realtime_read_interval_seconds: float = setting(0.025, "PLATFORM_REALTIME_READ_INTERVAL", "Seconds between outbox reads under load (0: no wait)", between(0, 10, high_included=False))
    realtime_session_check_seconds: float = setting(5.0, "PLATFORM_REALTIME_SESSION_CHECK", "Seconds between checks that signed-in sockets' sessions still exist", POSITIVE)
    realtime_drain_seconds: float = setting(5.0, "PLATFORM_REALTIME_DRAIN", "Seconds the gateway drains clients on shutdown", POSITIVE)
    # Storage (gateway/storage/); see docs/storage.md.
    storage_port: int = setting(3003, "PLATFORM_STORAGE_PORT", "Port of the gateway's storage service (/storage/object/..., /storage/public/...), on the gateway's address", PORT)
    storage_dir_setting: str | None = setting(None, "PLATFORM_STORAGE_DIR", "Folder of uploaded files (public/, private/ and .tmp/ inside); default: <data folder>/storage", shown_default="var/storage")
    storage_max_pixels: int = setting(50_000_000, "PLATFORM_STORAGE_MAX_PIXELS", "Largest image accepted, in pixels (width x height): bigger ones are refused as decompression bombs", POSITIVE)
    storage_variant_workers: int = setting(2, "PLATFORM_STORAGE_VARIANT_WORKERS", "Images decoded at once (Pillow threads, shared by uploads and variants: bounds their memory)", POSITIVE)
    storage_variant_queue: int = setting(100, "PLATFORM_STORAGE_VARIANT_QUEUE", "Images waiting for their variants in the gateway; the rest wait in SQL (variants_status pending)", POSITIVE)
    storage_db_pool: int = setting(4, "PLATFORM_STORAGE_DB_POOL", "Connections the storage service keeps to ask SQL as the caller", POSITIVE)
    storage_sweep_seconds: float = setting(3600.0, "PLATFORM_STORAGE_SWEEP_SECONDS", "Seconds between orphan sweeps of the storage folder (files no row holds; 0: never)", NOT_NEGATIVE)
    storage_orphan_grace_seconds: float = setting(600.0, "PLATFORM_STORAGE_ORPHAN_GRACE", "A file (or temporary upload) younger than this is never swept", NOT_NEGATIVE)
    # Monitoring (gateway/monitor.py, ops/monitoring.py); see docs/monitoring.md.
    monitor_cache_seconds: float = setting(10.0, "PLATFORM_MONITOR_CACHE_SECONDS", "Seconds one reading of the statistics serves /metrics and /healthz (0: every time)", NOT_NEGATIVE)
    monitor_statement_timeout_seconds: float = setting(2.0, "PLATFORM_MONITOR_STATEMENT_TIMEOUT", "Statement timeout of the monitoring queries, in seconds", POSITIVE)
    monitor_top_statements: int = setting(20, "PLATFORM_MONITOR_TOP_STATEMENTS", "Statements (pg_stat_statements) in /metrics and the report", POSITIVE)
    monitor_max_tables: int = setting(50, "PLATFORM_MONITOR_MAX_TABLES", "Tables in the per-table metrics (largest, most dead tuples, most scanned)", POSITIVE)
    monitor_large_table_rows: int = setting(10_000, "PLATFORM_MONITOR_LARGE_TABLE_ROWS", "Rows from which a table counts as large (sequential scans, dead-tuple ratio)", POSITIVE)
    monitor_unused_index_min_bytes: int = setting(1 << 20, "PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES", "Size from which an unused index is reported", NOT_NEGATIVE)
    # Thresholds: a breach makes /healthz "degraded" with the reason.
    monitor_max_connections_used: float = setting(0.8, "PLATFORM_MONITOR_MAX_CONNECTIONS_USED", "Fraction of max_connections in use", FRACTION)
    monitor_max_transaction_age: float = setting(300.0, "PLATFORM_MONITOR_MAX_TRANSACTION_AGE", "Seconds the oldest transaction may stay open", POSITIVE)
    monitor_max_query_age: float = setting(60.0, "PLATFORM_MONITOR_MAX_QUERY_AGE", "Seconds the longest query may run", POSITIVE)
    monitor_min_cache_hit: float = setting(0.95, "PLATFORM_MONITOR_MIN_CACHE_HIT", "Lowest buffer cache hit ratio", FRACTION)
    monitor_max_dead_tuples_ratio: float = setting(0.2, "PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO", "Highest dead-tuple ratio of a large table", FRACTION)
    monitor_max_locks_waiting: int = setting(10, "PLATFORM_MONITOR_MAX_LOCKS_WAITING", "Sessions waiting for a lock", POSITIVE)
    monitor_max_replication_lag: int = setting(256 << 20, "PLATFORM_MONITOR_MAX_REPLICATION_LAG", "Bytes a replica may lag", POSITIVE)
    monitor_max_archive_pending: int = setting(16, "PLATFORM_MONITOR_MAX_ARCHIVE_PENDING", "WAL segments waiting to be archived", POSITIVE)
    monitor_max_xid_age: int = setting(500_000_000, "PLATFORM_MONITOR_MAX_XID_AGE", "Age of the oldest transaction id (wraparound)", POSITIVE)
    # Backups (ops/backups, gateway/backups.py); see docs/backups.md.
    backup_archive: bool = setting(True, "PLATFORM_BACKUP_ARCHIVE", "The embedded cluster archives its WAL with pgBackRest (a change needs a restart)")
    backup_wal_seconds: int = setting(3600, "PLATFORM_BACKUP_WAL_SECONDS", "archive_timeout: a WAL segment is archived at least this often while anything writes", POSITIVE)
    backup_logical_hours: float = setting(0.0, "PLATFORM_BACKUP_LOGICAL_HOURS", "The gateway takes a logical backup when the last good one is older (0: never)", NOT_NEGATIVE)
    backup_physical_hours: float = setting(0.0, "PLATFORM_BACKUP_PHYSICAL_HOURS", "The gateway takes a physical backup when the last good one is older (0: never)", NOT_NEGATIVE)
    backup_keep_days: float = setting(7.0, "PLATFORM_BACKUP_KEEP_DAYS", "Days backups are kept (the newest good one of each kind always stays)", POSITIVE)
    # 0 by default: PostgreSQL 15's pg_dump compresses with gzip on one core, the dump's
    # slowest part. On 1,000,000 articles (5.7 GB): level 0 dumps 4.9 GB in 44 s,
    # level 1 2.0 GB in 90 s, level 6 (pg_dump's) 372 s.
    backup_compress: int = setting(0, "PLATFORM_BACKUP_COMPRESS", "gzip level of logical dumps (0: none, fastest; 9: smallest)", between(0, 9))
    # fmt: on

    def __post_init__(self) -> None:
        check(self)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``PLATFORM_*`` variables and ``DATABASE_URL`` (default: ``os.environ``)."""
        values: dict[str, Any] = read_env(cls, os.environ if environ is None else environ)
        return cls(**values)

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
    def storage_dir(self) -> Path:
        """Uploaded files: ``public/<bucket>/<path>``, ``private/<bucket>/<path>``, ``.tmp``."""
        if self.storage_dir_setting is not None:
            return Path(self.storage_dir_setting).resolve()
        return self.data_dir / "storage"

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
            f"@{url_host(self.pg_host)}:{self.pg_port}/{quote(self.db_name, safe='')}"
        )

    # --- public addresses -------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://{url_host(self.postgrest_host)}:{self.postgrest_port}"

    @property
    def postgrest_admin_url(self) -> str:
        return f"http://{url_host(self.postgrest_host)}:{self.postgrest_admin_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{url_host(self.gateway_host)}:{self.gateway_port}"

    @property
    def realtime_url(self) -> str:
        return f"ws://{url_host(self.gateway_host)}:{self.gateway_port}/realtime"

    @property
    def storage_url(self) -> str:
        """The storage service, direct (loopback; the front door routes /storage/ to it)."""
        return f"http://{url_host(self.gateway_host)}:{self.storage_port}"

    @property
    def frontdoor_url(self) -> str:
        """The one origin browsers use: ``https://host:port`` (no trailing slash)."""
        return f"https://{url_host(self.frontdoor_host)}:{self.frontdoor_port}"

    @property
    def frontdoor_dir(self) -> Path:
        """nginx's config, pid, temporary files and cache."""
        return self.data_dir / "frontdoor"

    @property
    def tls_dir(self) -> Path:
        """The local CA and the front door's certificate made by the set-up."""
        return self.secrets_dir / "tls"

    @property
    def web_dir(self) -> Path:
        """The static folder the front door serves at ``/``."""
        return self.project_root / "web"

    @property
    def cors_origin_list(self) -> tuple[str, ...]:
        """``PLATFORM_CORS_ORIGINS`` as a tuple of origins (empty: same origin only)."""
        return origins(self.cors_origins)

    @property
    def session_origins(self) -> tuple[str, ...]:
        """The origins whose pages may use cookie sessions (``auth.config.allowed_origins``,
        written by `ops.database.configure`): the front door's own, then
        ``PLATFORM_CORS_ORIGINS``."""
        own = self.frontdoor_url.lower()
        return (own, *(o for o in self.cors_origin_list if o != own))
