"""Old passwords keep working after `inv import.blog` (issue 23): through the real PostgREST.

The Django-made fixture's accounts carry PBKDF2-SHA256 hashes at four iteration counts
(Django 3.2 to 5.2) and some unusable ones; its JSON holds the clear texts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from ops.legacy_blog import import_blog, rules
from tests.fix_cluster import SERVER
from tests.fix_postgrest import serving
from tests.legacy_blog import LegacyBlog

Conn = psycopg.Connection[tuple[object, ...]]
POLICIES = {kind.name: next(iter(kind.policies)) for kind in rules.KINDS}


@pytest.fixture
def imported(
    platform_db: Conn, legacy_blog_copy: LegacyBlog
) -> Iterator[tuple[Conn, httpx.Client]]:
    platform_db.autocommit = True
    url = SERVER.url(platform_db.info.dbname)
    report = import_blog(
        url, legacy_blog_copy.path, policies=POLICIES, media_url="https://legacy.example.org/m",
        dry_run=False, say=lambda _: None,
    )  # fmt: skip
    assert report.verification is not None
    assert report.verification.ok
    with (
        serving(url, name="postgrest-legacy-login") as api_server,
        httpx.Client(base_url=api_server.url, timeout=30) as api,
    ):
        yield platform_db, api


def emails(blog: LegacyBlog) -> dict[str, str]:
    with sqlite3.connect(f"file:{blog.path}?mode=ro", uri=True) as db:
        return {
            str(u): str(e) for u, e in db.execute("select username, email from blog_customuser")
        }


def stored_hash(conn: Conn, email: str) -> str:
    row = conn.execute("select password_hash from auth.users where email = %s", (email,)).fetchone()
    assert row is not None, email
    return str(row[0])


def test_every_old_password_signs_in_once_rehashed_and_a_wrong_one_does_not(
    imported: tuple[Conn, httpx.Client], legacy_blog_copy: LegacyBlog
) -> None:
    conn, api = imported
    address = emails(legacy_blog_copy)
    passwords = legacy_blog_copy.passwords
    assert len({stored_hash(conn, address[u]).split("$")[1] for u in passwords}) == 4, (
        "the fixture holds Django's four iteration counts"
    )
    wrong_tried: set[str] = set()
    for username, clear in passwords.items():
        email = address[username]
        iterations = stored_hash(conn, email).split("$")[1]
        if iterations not in wrong_tried:  # a wrong password for each iteration count
            wrong_tried.add(iterations)
            refused = api.post("/rpc/login", json={"email": email, "password": clear + "x"})
            assert refused.status_code == 401, refused.text
            assert refused.json()["code"] == "auth.invalid_credentials"
            assert stored_hash(conn, email).startswith("pbkdf2_sha256$"), "kept after a failure"
        signed_in = api.post("/rpc/login", json={"email": email, "password": clear})
        assert signed_in.status_code == 200, (username, signed_in.text)
        token = signed_in.json()["access_token"]
        me = api.get("/rpc/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["email"] == email
        assert stored_hash(conn, email).startswith("$2"), "replaced by bcrypt at the first login"
        again = api.post("/rpc/login", json={"email": email, "password": clear})
        assert again.status_code == 200, "and the bcrypt hash works"
    logged = conn.execute(
        "select count(*) from audit.log where new_record::text like any (%s)",
        ([f"%{clear}%" for clear in passwords.values()],),
    ).fetchone()
    assert logged == (0,), "no clear-text password in the audit log"


def test_an_unusable_legacy_password_never_signs_in(
    imported: tuple[Conn, httpx.Client], legacy_blog_copy: LegacyBlog
) -> None:
    conn, api = imported
    address = emails(legacy_blog_copy)
    locked = [u for u in address if u not in legacy_blog_copy.passwords]
    assert locked, "the fixture has accounts without a usable password"
    some_password = next(iter(legacy_blog_copy.passwords.values()))
    for username in locked[:2]:
        assert stored_hash(conn, address[username]).startswith("!")
        refused = api.post(
            "/rpc/login", json={"email": address[username], "password": some_password}
        )
        assert refused.status_code == 401
        assert refused.json()["code"] == "auth.invalid_credentials"
