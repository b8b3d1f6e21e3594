"""Fixtures: the real PostgREST 12.0.2 binary serving a deployed test database.

One database (``platform_api``, cloned from the deployed template) and one PostgREST
process for the whole session; API tests create their own users, so they do not
interfere. ``api`` is an httpx client on PostgREST's address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from psycopg import sql
from pytest_postgresql.executors.noop import NoopExecutor

from ops.database import authenticator_url
from ops.net import free_port
from ops.postgrest import Postgrest, PostgrestConfig
from tests.fix_cluster import SECRETS, SERVER, SETTINGS, TEST_DATA_DIR

API_DB = "platform_api"


@dataclass(frozen=True)
class ApiServer:
    url: str
    db_url: str  # superuser URL of the database PostgREST serves
    jwt_secret: str


@pytest.fixture(scope="session")
def api_db_url(platform_template: NoopExecutor) -> Iterator[str]:
    """A deployed database for PostgREST-level tests, cloned once from the template."""
    admin = SERVER.url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(API_DB))
        )
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(API_DB), sql.Identifier(platform_template.template_dbname)
            )
        )
    try:
        yield SERVER.url(API_DB)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(API_DB))
            )


@contextmanager
def serving(db_url: str, name: str = "postgrest", pool: int = 4) -> Iterator[ApiServer]:
    """PostgREST on free loopback ports for ``db_url``, configured exactly as `inv up`
    configures it (the exposed schemas come from the database's module registry)."""
    port, admin_port = free_port(), free_port()
    config = PostgrestConfig(
        db_uri=authenticator_url(db_url, SECRETS),
        jwt_secret_file=SECRETS.jwt_secret_file,
        max_rows=SETTINGS.db_max_rows,
        pool=pool,
        port=port,
        admin_port=admin_port,
    )
    config_path = TEST_DATA_DIR / f"{name}.conf"
    config.write(config_path)
    server = Postgrest(
        binary=SETTINGS.postgrest_bin,
        config_path=config_path,
        pidfile=TEST_DATA_DIR / "run" / f"{name}.pid",
        logfile=TEST_DATA_DIR / "log" / f"{name}.log",
        port=port,
        admin_port=admin_port,
    )
    server.stop()  # a leftover from an interrupted run
    server.start()
    try:
        yield ApiServer(url=server.url, db_url=db_url, jwt_secret=SECRETS.jwt_secret)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgrest(api_db_url: str) -> Iterator[ApiServer]:
    """PostgREST on the session's API database."""
    with serving(api_db_url) as server:
        yield server


@pytest.fixture
def api(postgrest: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=postgrest.url, timeout=10) as client:
        yield client
