"""Fixtures: a real PostgreSQL server and a template database with the whole plan.

The suite runs its own throwaway cluster (``PLATFORM_TEST_DATA_DIR`` = ``var/test``,
port ``PLATFORM_TEST_PG_PORT`` = 15439) started as the ``postgres`` OS user when we are
root, or uses the server of ``DATABASE_URL`` when that is set. The Sqitch plan, pgTAP
and the test helpers are deployed once into a template database
(``platform_test_tmpl``); every test that asks for ``platform_db`` gets a fresh clone.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg
import pytest
from psycopg import sql
from pytest_postgresql import factories

from core.paths import PROJECT_ROOT
from core.secrets import Secrets
from core.settings import Settings
from ops import database, sqitch
from ops.cluster import PRELOAD, Cluster, ConfValue
from ops.net import free_port

TEST_DATA_DIR = Path(
    os.environ.get("PLATFORM_TEST_DATA_DIR", PROJECT_ROOT / "var" / "test")
).resolve()
TEST_PG_PORT = int(os.environ.get("PLATFORM_TEST_PG_PORT", "15439"))
TESTS_DIR = PROJECT_ROOT / "db" / "tests"
#: The core test helpers (schema ``tests``, named actors), loaded before any module's.
HELPERS_SQL = TESTS_DIR / "helpers" / "tests.sql"
#: A module's own test helpers: ``db/tests/<module>/helpers.sql``.
HELPERS_FILE_NAME = "helpers.sql"


def helper_files() -> list[Path]:
    """The core helpers, then every module's own ``db/tests/<module>/helpers.sql`` by name.

    A new module adds its fixtures in its own folder; nothing here lists modules.
    """
    return [HELPERS_SQL, *sorted(TESTS_DIR.glob(f"*/{HELPERS_FILE_NAME}"))]


#: The settings every test component shares: the test data folder and the test port.
SETTINGS = Settings.from_env(
    {
        **os.environ,
        "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
        "PLATFORM_PG_PORT": str(TEST_PG_PORT),
        "PLATFORM_DB_NAME": "platform_test",
    }
)
SECRETS: Secrets = SETTINGS.secrets


@dataclass(frozen=True)
class PgServer:
    """What pytest-postgresql's ``depends_on`` reads from a base fixture."""

    host: str
    port: int
    user: str
    password: str
    options: str = ""
    maintenance_dbname: str = "postgres"
    template_dbname: str | None = None

    def url(self, dbname: str, user: str | None = None, password: str | None = None) -> str:
        user = self.user if user is None else user
        password = self.password if password is None else password
        return (
            f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}"
            f"@{self.host}:{self.port}/{quote(dbname, safe='')}"
        )


def _server() -> PgServer:
    if SETTINGS.database_url is None:
        return PgServer("127.0.0.1", TEST_PG_PORT, "postgres", SECRETS.postgres_password)
    parts = urlsplit(SETTINGS.database_url)
    return PgServer(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
    )


SERVER = _server()


def test_cluster() -> Cluster:
    """The embedded test cluster; durability is off, it is thrown away anyway."""
    return Cluster(
        pgdata=TEST_DATA_DIR / "pgdata",
        run_dir=TEST_DATA_DIR / "run",
        log_file=TEST_DATA_DIR / "log" / "postgresql.log",
        superuser_password=SECRETS.postgres_password,
        port=TEST_PG_PORT,
        shared_preload_libraries=PRELOAD,
        options={
            "fsync": False,
            "synchronous_commit": False,
            "full_page_writes": False,
            "max_connections": 200,
        },
    )


test_cluster.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A running PostgreSQL server for the whole session."""
    if SETTINGS.database_url is not None:
        yield SERVER
        return
    cluster = test_cluster()
    cluster.init()
    started = cluster.start()
    if not started and cluster.pending_restart():  # a leftover cluster without PRELOAD
        cluster.stop()
        started = cluster.start()
    # A run killed before its teardown leaves the template behind; the next run rebuilds it.
    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        for name in ("platform_test_tmpl", "platform_test"):
            db = sql.Identifier(name)
            if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("alter database {} is_template false").format(db))
                conn.execute(sql.SQL("drop database {} with (force)").format(db))
    try:
        yield SERVER
    finally:
        if started:
            cluster.stop()


def deploy_platform(dbname: str, **_: object) -> None:
    """Template loader: pgTAP first (so its functions stay executable), the plan, helpers."""
    url = SERVER.url(dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap")
    sqitch.deploy(url, echo=False)
    with psycopg.connect(url, autocommit=True) as conn:
        for helpers in helper_files():
            conn.execute(helpers.read_text())
    database.configure(url, SECRETS)


platform_template = factories.postgresql_noproc(
    host=SERVER.host,
    port=SERVER.port,
    user=SERVER.user,
    password=SERVER.password,
    dbname="platform_test",
    load=[deploy_platform],
    depends_on="pg_server",
)

#: A fresh clone of the deployed template, per test.
platform_db = factories.postgresql("platform_template")


@pytest.fixture
def empty_db(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database on the test cluster (nothing deployed), dropped after."""
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = SERVER.url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield SERVER.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def dbname_of(conn: psycopg.Connection[tuple[object, ...]]) -> str:
    return conn.info.dbname


def project_path(*parts: str) -> Path:
    return PROJECT_ROOT.joinpath(*parts)


@contextmanager
def scratch_cluster(
    name: str, options: dict[str, ConfValue], server_files: tuple[Path, ...] | None = None
) -> Iterator[Cluster]:
    """A started cluster of a test's own under ``var/test/<name>`` on a free port, stopped
    and removed afterwards (for tests that restart or reconfigure a server)."""
    if SETTINGS.database_url is not None:
        pytest.skip("needs a cluster of its own")
    folder = TEST_DATA_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    cluster = Cluster(
        pgdata=folder / "pgdata",
        run_dir=folder / "run",
        log_file=folder / "postgresql.log",
        superuser_password=SECRETS.postgres_password,
        port=free_port(),
        options=options,
        server_files=server_files,
    )
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop(mode="immediate")
        shutil.rmtree(folder, ignore_errors=True)
