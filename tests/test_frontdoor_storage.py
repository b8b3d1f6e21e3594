"""Storage through the front door, with a browser's cookie session: the real nginx, the
real storage service, SQL deciding. Uploads need the anti-CSRF header like every other
state-changing cookie request; public files come straight from nginx; private ones only
after SQL said yes (``X-Accel-Redirect`` to an internal location)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from tests.fix_site import Site
from tests.publishing_client import PASSWORD, create_user
from tests.storage_client import photo

PUBLISHING = {"Accept-Profile": "publishing", "Content-Profile": "publishing"}


@pytest.fixture(scope="module")
def vault(site: Site) -> str:
    """A private image bucket of this database."""
    with psycopg.connect(site.db_url, autocommit=True) as conn:
        conn.execute(
            "select platform.declare_bucket('doorvault', 'storage', false,"
            " '{image/png,image/jpeg}', 2000000)"
        )
    return "doorvault"


def signed_in(site: Site, privileges: list[str] | None = None) -> tuple[httpx.Client, str]:
    """A cookie session through the front door: (its client, the user id)."""
    email = create_user(site.db_url, privileges or [], "door")
    client = site.client()
    answer = client.post(
        "/rest/rpc/login",
        json={"email": email, "password": PASSWORD},
        headers={"X-Session": "cookie", "Origin": site.door.url},
    )
    assert answer.status_code == 200, answer.text
    assert "access_token" not in answer.json(), "a cookie session never shows the token to JS"
    return client, str(answer.json()["user"]["id"])


@pytest.fixture
def alice(site: Site) -> Iterator[tuple[httpx.Client, str]]:
    client, user_id = signed_in(site)
    try:
        yield client, user_id
    finally:
        client.close()


def csrf(client: httpx.Client) -> dict[str, str]:
    token = client.cookies.get("__Host-csrf")
    assert token, "login set the readable CSRF cookie"
    return {"X-CSRF-Token": token}


def test_a_cookie_upload_without_the_csrf_header_is_refused_and_stores_nothing(
    site: Site, alice: tuple[httpx.Client, str]
) -> None:
    client, user_id = alice
    path = f"/storage/object/avatars/{user_id}/a-{uuid.uuid4().hex[:6]}.png"
    refused = client.post(path, content=photo("PNG", (32, 32)))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "auth.csrf_failed"
    wrong = client.post(path, content=photo("PNG", (32, 32)), headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403, "a wrong token is no better than none"
    with psycopg.connect(site.db_url) as conn:
        count = conn.execute(
            "select count(*) from storage.objects where owner_id = %s", (user_id,)
        ).fetchone()
    assert count == (0,), "no row, pending or not, was left"
    assert not list((site.gateway.storage_dir / "public" / "avatars").glob(f"{user_id}/*"))


def test_a_cookie_upload_with_the_header_is_served_by_nginx_from_disk(
    site: Site, alice: tuple[httpx.Client, str]
) -> None:
    client, user_id = alice
    body = photo("PNG", (48, 48))
    stored = client.post(
        f"/storage/object/avatars/{user_id}/me.png", content=body, headers=csrf(client)
    )
    assert stored.status_code == 201, stored.text
    url = stored.json()["url"]
    assert url.startswith(f"/storage/public/avatars/{user_id}/"), "same-origin, relative"
    with site.client() as anonymous:
        served = anonymous.get(url)
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == stored.json()["sha256"]
    assert "immutable" in served.headers["cache-control"], "public files are cached for good"
    assert served.headers["x-content-type-options"] == "nosniff"
    # The avatar is then the profile's, through PostgREST with the same cookie session.
    patched = client.patch(
        f"/rest/profiles?user_id=eq.{user_id}",
        json={"avatar_url": url},
        headers={**PUBLISHING, **csrf(client)},
    )
    assert patched.status_code == 204, patched.text


def test_a_private_file_goes_out_only_after_sql_said_yes(
    site: Site, vault: str, alice: tuple[httpx.Client, str]
) -> None:
    client, user_id = alice
    body = photo("JPEG", (40, 30))
    stored = client.post(
        f"/storage/object/{vault}/{user_id}/secret.jpg", content=body, headers=csrf(client)
    )
    assert stored.status_code == 201, stored.text
    path = f"/storage/object/{vault}/{user_id}/secret.jpg"
    mine = client.get(path)
    assert mine.status_code == 200, mine.text
    assert hashlib.sha256(mine.content).hexdigest() == stored.json()["sha256"]
    assert "private" in mine.headers["cache-control"]
    other, _ = signed_in(site)
    with site.client() as anonymous:
        assert other.get(path).status_code == 404, "another user does not even learn it exists"
        assert anonymous.get(path).status_code == 404
        internal = anonymous.get(f"/_storage_private/{vault}/{user_id}/secret.jpg")
        assert internal.status_code == 404, "the internal location is not reachable from outside"
        public_tree = anonymous.get(f"/storage/public/{vault}/{user_id}/secret.jpg")
        assert public_tree.status_code == 404, "a private file is not in the public tree"
    other.close()


def test_a_bearer_upload_needs_no_csrf_header(site: Site) -> None:
    email = create_user(site.db_url, [], "bearer")
    with site.client() as client:
        token = client.post("/rest/rpc/login", json={"email": email, "password": PASSWORD}).json()[
            "access_token"
        ]
        me = client.get("/rest/rpc/me", headers={"Authorization": f"Bearer {token}"}).json()
        stored = client.post(
            f"/storage/object/avatars/{me['id']}/b.png",
            content=photo("PNG", (16, 16)),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert stored.status_code == 201, stored.text
