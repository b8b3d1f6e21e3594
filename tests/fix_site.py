"""Fixture: the whole site as a browser meets it, on free loopback ports.

One database (``platform_site``, cloned from the deployed template), its PostgREST, a
gateway with its real storage service, and the real nginx front door in front of them,
built by `ops.frontdoor` exactly as ``inv up`` builds it; the front door's origin is an
allowed origin of cookie sessions, as ``inv up`` makes it. Used by the storage-through-
the-door tests and the browser test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from psycopg import sql
from pytest_postgresql.executors.noop import NoopExecutor

from tests.fix_cluster import SERVER
from tests.fix_frontdoor import Door, door_config, serving_frontdoor
from tests.fix_postgrest import ApiServer, serving
from tests.gateway_process import GatewayProcess, gateway

SITE_DB = "platform_site"


@dataclass(frozen=True)
class Site:
    db_url: str
    postgrest: ApiServer
    gateway: GatewayProcess
    door: Door

    def client(self, **kwargs: object) -> httpx.Client:
        """An HTTPS client of the front door (trusting the test CA), with a cookie jar."""
        return self.door.client(**kwargs)  # type: ignore[arg-type]


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def site(platform_template: NoopExecutor) -> Iterator[Site]:
    admin = SERVER.url("postgres")
    db = sql.Identifier(SITE_DB)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(db))
        conn.execute(
            sql.SQL("create database {} template {}").format(
                db, sql.Identifier(platform_template.template_dbname)
            )
        )
    url = SERVER.url(SITE_DB)
    try:
        with (
            serving(url, name="site-postgrest") as postgrest,
            gateway(SITE_DB) as gw,
        ):
            config = door_config(
                "site",
                _port(postgrest.url),
                _port(gw.url),
                _port(gw.storage_url),
                storage_dir=gw.storage_dir,
            )
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("select auth.set_allowed_origins(%s)", ([config.url],))
            with serving_frontdoor(config) as door:
                yield Site(url, postgrest, gw, door)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(db))
