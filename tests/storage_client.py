"""Storage test fixtures: a deployed database with test buckets, users with real tokens,
the real gateway process serving it, and images made with Pillow."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from PIL import Image
from psycopg import sql
from pytest_postgresql.executors.noop import NoopExecutor

from tests.fix_cluster import SERVER
from tests.gateway_process import GatewayProcess, gateway

PASSWORD = "correct horse battery staple"
#: GPS position of the Eiffel tower, as EXIF rationals.
GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}

BUCKETS = """
select platform.declare_bucket('pics', 'storage', true,
  '{image/png,image/jpeg,image/webp,image/gif}', 2000000,
  '{"thumb": {"width": 64, "height": 64, "fit": "cover", "format": "webp"},
             "medium": {"width": 400, "format": "jpeg"}}');
select platform.declare_bucket('vault', 'storage', false, '{image/png,image/jpeg}', 2000000);
select platform.declare_bucket('docs', 'storage', false, '{application/pdf}', 67108864);
"""


@dataclass
class Db:
    name: str
    url: str

    def run(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else []

    def user(self) -> tuple[str, str]:
        """A new account: (user id, access token from api.login)."""
        name = "u" + uuid.uuid4().hex[:10]
        email = f"{name}@example.test"
        ((user_id,),) = self.run(
            "select auth.create_user(%s, %s, %s, '{}')::text", email, PASSWORD, name
        )
        ((body,),) = self.run("select api.login(%s, %s)", email, PASSWORD)
        return str(user_id), str(body["access_token"])


def clone(template: NoopExecutor, prefix: str) -> Db:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template.template_dbname)
            )
        )
    return Db(name, SERVER.url(name))


def drop(db: Db) -> None:
    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(db.name))
        )


@pytest.fixture(scope="module")
def storage_db(platform_template: NoopExecutor) -> Iterator[Db]:
    """A deployed database with the test buckets pics (public, variants), vault (private)
    and docs (private PDFs up to 64 MiB), for the whole module."""
    db = clone(platform_template, "storage")
    db.run(BUCKETS)
    try:
        yield db
    finally:
        drop(db)


@pytest.fixture(scope="module")
def gw(storage_db: Db) -> Iterator[GatewayProcess]:
    """The real gateway process serving ``storage_db`` (its own storage port and folder)."""
    with gateway(storage_db.name, {"PLATFORM_STORAGE_SWEEP_SECONDS": "0"}) as running:
        yield running


def photo(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), orientation: int = 1) -> bytes:
    """An image with a gradient and EXIF: camera, orientation and a GPS position."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = GPS  # GPSInfo
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels in a few hundred bytes (its pixel
    data is a sliver): a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
