"""What the database needs after every deploy, role URLs, and driver errors made readable.

The roles (authenticator, anon, authenticated, platform_jobs) and ``auth.set_jwt_secret``
come from the Sqitch plan; their passwords and the JWT secret come from the data folder's
secrets and are (re)applied by `configure` after each deploy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from psycopg import errors, sql

from core.errors import OpsError
from core.secrets import Secrets
from core.urls import redact, with_credentials

logger = logging.getLogger(__name__)

AUTHENTICATOR = "authenticator"
JOBS_ROLE = "platform_jobs"

_NOT_DEPLOYED = (errors.UndefinedFunction, errors.UndefinedObject, errors.InvalidSchemaName,
                 errors.UndefinedTable)  # fmt: skip
# "function auth.x(text) does not exist", not "operator does not exist" (a bug in the SQL).
_MISSING_OBJECTS = ("function ", "relation ", "schema ", "role ", "type ")


def authenticator_url(superuser_url: str, secrets: Secrets) -> str:
    """The URL PostgREST connects with (``authenticator``; it can only switch roles)."""
    return with_credentials(superuser_url, AUTHENTICATOR, secrets.authenticator_password)


def jobs_url(superuser_url: str, secrets: Secrets) -> str:
    """The URL the gateway and scheduled jobs connect with (``platform_jobs``)."""
    return with_credentials(superuser_url, JOBS_ROLE, secrets.platform_jobs_password)


def configure(
    superuser_url: str,
    secrets: Secrets,
    *,
    retention_hours: float = 24.0,
    origins: Sequence[str] | None = None,
) -> None:
    """Set the login roles' passwords, the JWT secret, the event retention and the origins
    that may use cookie sessions, then reload PostgREST's config (the exposed schemas come
    from the module registry) and schema.

    One transaction; run it after every deploy (``inv up``, ``inv db.deploy`` do).
    ``retention_hours`` is how long realtime clients can resume (``events.config``);
    ``origins`` replace ``auth.config.allowed_origins`` (docs/auth.md); None leaves them
    as they are (a restore keeps the backup's).
    """
    doing = "configure the database"
    with translate_errors(doing), connect(superuser_url, doing) as conn:
        for role, password in (
            (AUTHENTICATOR, secrets.authenticator_password),
            (JOBS_ROLE, secrets.platform_jobs_password),
        ):
            conn.execute(
                sql.SQL("alter role {} password {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        conn.execute("select auth.set_jwt_secret(%s)", (secrets.jwt_secret,))
        row = conn.execute("select to_regprocedure('auth.set_allowed_origins(text[])')").fetchone()
        # absent when deployed only up to a tag
        if origins is not None and row is not None and row[0] is not None:
            conn.execute("select auth.set_allowed_origins(%s)", (list(origins),))
        row = conn.execute("select to_regclass('events.config') is not null").fetchone()
        if row is not None and row[0]:  # absent when deployed only up to @core-1.0
            conn.execute(
                "update events.config set retention = make_interval(secs => %s)",
                (retention_hours * 3600,),
            )
        # A deploy may have registered or unregistered a module: PostgREST re-reads its
        # in-database config (the exposed schemas), then its schema cache.
        conn.execute("notify pgrst, 'reload config'")
        conn.execute("notify pgrst, 'reload schema'")
    logger.info("configured roles and JWT secret on %s", redact(superuser_url))


def connect(
    url: str, doing: str, *, autocommit: bool = False
) -> psycopg.Connection[tuple[object, ...]]:
    """Open a connection, turning a failure into an `OpsError` that says what to do."""
    with translate_errors(doing):
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=5)


def ping(url: str, timeout: int = 2) -> bool:
    """True when ``url`` accepts a connection and answers ``select 1``."""
    try:
        with psycopg.connect(url, connect_timeout=timeout, autocommit=True) as conn:
            conn.execute("select 1")
    except psycopg.Error:
        return False
    return True


@contextmanager
def translate_errors(doing: str) -> Iterator[None]:
    """Re-raise any psycopg error inside the block as an `OpsError` (see `explain`)."""
    try:
        yield
    except psycopg.Error as exc:
        raise explain(exc, doing) from exc


def explain(exc: psycopg.Error, doing: str) -> OpsError:
    """An `OpsError` for a driver error: the platform's JSON errors, then known SQLSTATEs."""
    diag = exc.diag
    if diag.sqlstate == "PGRST":
        return _platform_error(diag.message_primary or str(exc), doing)
    text = (diag.message_primary or str(exc)).strip()
    if isinstance(exc, psycopg.OperationalError) and diag.sqlstate is None:
        return OpsError(
            f"cannot {doing}: {text}",
            "is the database running? `inv status` tells, `inv up` starts it"
            " (an external DATABASE_URL must be reachable)",
        )
    if isinstance(exc, _NOT_DEPLOYED) and text.startswith(_MISSING_OBJECTS):
        return OpsError(
            f"cannot {doing}: {text}",
            "the Sqitch plan is not (fully) deployed: run `inv db.deploy`;"
            " `inv db.status` shows what is pending",
        )
    if isinstance(exc, errors.InsufficientPrivilege):
        return OpsError(
            f"cannot {doing}: {text}",
            "DATABASE_URL must name a superuser or the owner of the database and roles",
        )
    detail = f" ({diag.message_detail})" if diag.message_detail else ""
    return OpsError(f"cannot {doing}: {text}{detail}", diag.message_hint or "")


def _platform_error(message: str, doing: str) -> OpsError:
    """Parse ``{"code","message","details","hint"}`` raised with SQLSTATE 'PGRST'."""
    try:
        body = json.loads(message)
    except ValueError:
        return OpsError(f"cannot {doing}: {message}")
    if not isinstance(body, dict):
        return OpsError(f"cannot {doing}: {message}")
    text = str(body.get("message") or message)
    if body.get("details"):
        text += f" ({body['details']})"
    if body.get("code"):
        text += f" [{body['code']}]"
    return OpsError(f"cannot {doing}: {text}", str(body.get("hint") or ""))
