"""The front door's routes, TLS, headers and CORS: the real nginx in front of the real
PostgREST, gateway and (a stand-in for) the storage service, over HTTPS with the test CA."""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Iterator

import httpx
import pytest

from ops.net import free_port
from tests.fix_frontdoor import (
    LISTED_ORIGIN,
    STORAGE_DIR,
    Door,
    Upstreams,
    serving_frontdoor,
    websocket,
)
from tests.gateway_process import Client
from tests.publishing_client import create_user, json_of, login

PUBLISHING = {"Accept-Profile": "publishing"}
SECURITY_HEADERS = (
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "content-security-policy",
)


def assert_secure(response: httpx.Response) -> None:
    """The headers every answer of the front door carries, and no server version."""
    h = response.headers
    for name in SECURITY_HEADERS:
        assert name in h, f"{response.status_code} {response.url.path}: no {name}"
    assert h["strict-transport-security"].startswith("max-age=31536000")
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h.get("server") == "nginx", f"no version in Server: {h.get('server')}"


def error_code(response: httpx.Response) -> str:
    """The ``code`` of a JSON error in PostgREST's shape (all four keys present)."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert set(body) == {"code", "message", "details", "hint"}, body
    return str(body["code"])


# --- routes over TLS ------------------------------------------------------------------------


def test_rest_is_postgrest_with_its_prefix_stripped(door: httpx.Client) -> None:
    openapi = door.get("/rest/")
    assert openapi.status_code == 200, openapi.text
    assert openapi.json()["info"]["version"] == "12.0.2", "PostgREST's OpenAPI at /rest/"
    cards = door.get("/rest/article_cards", params={"limit": 1}, headers=PUBLISHING)
    assert cards.status_code == 200, cards.text
    assert isinstance(cards.json(), list)
    assert door.get("/rest").headers["location"] == "/rest/"
    assert_secure(cards)


def test_the_static_folder_is_served_at_the_root(door: httpx.Client) -> None:
    page = door.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp, csp
    assert "script-src 'self'" in csp, csp
    assert re.search(r"connect-src 'self' wss://127\.0\.0\.1:\d+", csp), csp
    assert_secure(page)
    missing = door.get("/no/such/page.html")
    assert missing.status_code == 404
    assert error_code(missing) == "frontdoor.not_found"
    assert_secure(missing)
    assert door.get("/.git/config").status_code == 404, "hidden files are never served"
    posted = door.post("/", content=b"x")
    assert posted.status_code == 405
    assert error_code(posted) == "frontdoor.method_not_allowed"


def test_api_answers_forbid_any_content(door: httpx.Client) -> None:
    csp = door.get("/rest/").headers["content-security-policy"]
    assert "default-src 'none'" in csp, csp
    assert "sandbox" in csp, csp


def test_plain_http_redirects_to_https(frontdoor: Door) -> None:
    answer = httpx.get(f"{frontdoor.http_url}/rest/articles?select=id")
    assert answer.status_code == 308
    assert answer.headers["location"] == f"{frontdoor.url}/rest/articles?select=id"
    posted = httpx.post(f"{frontdoor.http_url}/rest/rpc/login", json={})
    assert posted.status_code == 308, "a POST is redirected with its method kept (308)"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_an_untrusted_client_old_tls_and_weak_ciphers_are_refused(frontdoor: Door) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(frontdoor.url + "/")  # the system's CAs do not include the local CA
    old = frontdoor.ssl_context()
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with pytest.raises(httpx.ConnectError, match="PROTOCOL_VERSION"):  # the server's alert
        httpx.get(frontdoor.url + "/", verify=old)
    static_rsa = frontdoor.ssl_context()
    static_rsa.maximum_version = ssl.TLSVersion.TLSv1_2
    static_rsa.set_ciphers("AES128-SHA256:AES256-SHA")  # no forward secrecy, CBC
    with pytest.raises(httpx.ConnectError, match="HANDSHAKE_FAILURE"):
        httpx.get(frontdoor.url + "/", verify=static_rsa)
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = frontdoor.ssl_context()
        context.minimum_version = context.maximum_version = version
        assert httpx.get(frontdoor.url + "/", verify=context).status_code == 200, version
    localhost = frontdoor.url.replace("127.0.0.1", "localhost")
    answer = httpx.get(localhost + "/", verify=frontdoor.ssl_context())
    assert answer.status_code == 200, "the certificate names localhost too"


def test_healthz_is_the_gateways_verdict_without_its_reasons(
    door: httpx.Client, upstreams: Upstreams
) -> None:
    health = door.get("/healthz")
    assert health.status_code == 200, health.text
    assert health.json() in ({"status": "ok"}, {"status": "degraded"}), health.text
    assert_secure(health)
    full = httpx.get(f"{upstreams.gateway.url}/healthz").json()
    assert full["postgres"] is True, "the full report stays on the gateway's loopback port"
    assert health.json()["status"] == full["status"]


def test_nginx_sets_the_client_address_whatever_the_client_claims(frontdoor: Door) -> None:
    spoofed = {"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9, 10.0.0.1"}
    with frontdoor.client(source="127.0.0.3") as client:
        seen = client.get("/rest/rpc/fd_request_headers", headers=spoofed).json()
    assert seen["x-real-ip"] == "127.0.0.3"
    assert seen["x-forwarded-for"] == "127.0.0.3", "never appended to a client-sent one"
    assert seen["x-forwarded-proto"] == "https"


def test_postgrests_location_headers_point_under_rest(
    door: httpx.Client, upstreams: Upstreams
) -> None:
    """PostgREST names a created row relative to its own root; the browser gets /rest/."""
    with httpx.Client(base_url=upstreams.postgrest.url) as direct:
        author = login(direct, create_user(upstreams.postgrest.db_url, ["author"], "located"))
    created = door.post(
        "/rest/articles",
        json={"title": "Where am I"},
        headers={**author, "Prefer": "return=headers-only"},
    )
    assert created.status_code == 201, created.text
    assert re.fullmatch(r"/rest/articles\?id=eq\.\d+", created.headers["location"]), (
        created.headers["location"]
    )


# --- error answers ----------------------------------------------------------------------------


def test_every_error_of_the_front_door_is_json_with_the_security_headers(
    frontdoor: Door,
) -> None:
    with frontdoor.client(source="127.0.0.11") as client:
        too_long = client.get("/rest/article_cards?select=" + "a" * 9000)
        assert too_long.status_code == 414
        assert error_code(too_long) == "frontdoor.uri_too_long"
        big_header = client.get("/rest/", headers={"X-Big": "b" * 9000})
        assert big_header.status_code == 400
        assert error_code(big_header) == "frontdoor.bad_request"
        too_big = client.post("/rest/rpc/fd_now", content=b"{}" + b" " * (2 << 20))
        assert too_big.status_code == 413
        assert error_code(too_big) == "frontdoor.body_too_large"
        assert "1048576 bytes" in too_big.json()["message"], "the message names the limit"
        for answer in (too_long, big_header, too_big):
            assert_secure(answer)


def test_an_upstream_down_is_a_json_502(upstreams: Upstreams) -> None:
    with serving_frontdoor(upstreams.config("down", postgrest=f"127.0.0.1:{free_port()}")) as d:
        with d.client() as client:
            answer = client.get("/rest/")
        assert answer.status_code == 502
        assert error_code(answer) == "frontdoor.upstream_unavailable"
        assert "rest" in answer.json()["message"], "the message names the route"
        assert_secure(answer)


# --- CORS ---------------------------------------------------------------------------------


def cors_headers(response: httpx.Response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        if name.lower().startswith("access-control-"):
            found.setdefault(name.lower(), []).append(value)
    return found


def test_a_listed_origin_gets_one_set_of_cors_headers_with_credentials(
    door: httpx.Client,
) -> None:
    answer = door.get(
        "/rest/article_cards?limit=1", headers={**PUBLISHING, "Origin": LISTED_ORIGIN}
    )
    assert answer.status_code == 200
    cors = cors_headers(answer)
    assert cors["access-control-allow-origin"] == [LISTED_ORIGIN], "exactly one, echoed"
    assert cors["access-control-allow-credentials"] == ["true"]
    assert "Content-Range" in cors["access-control-expose-headers"][0]
    assert "Origin" in answer.headers.get_list("vary")


def test_an_unlisted_origin_gets_no_cors_headers(door: httpx.Client) -> None:
    for origin in ("https://evil.example", "null", LISTED_ORIGIN + ".evil.example"):
        answer = door.get("/rest/article_cards?limit=1", headers={**PUBLISHING, "Origin": origin})
        assert answer.status_code == 200
        assert cors_headers(answer) == {}, f"{origin}: PostgREST's own CORS headers are dropped"
    assert cors_headers(door.get("/rest/")) == {}, "same-origin requests need none"


def test_preflights_are_answered_by_nginx(door: httpx.Client, upstreams: Upstreams) -> None:
    ask = {
        "Origin": LISTED_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-csrf-token",
    }
    allowed = door.options("/rest/articles", headers=ask)
    assert allowed.status_code == 204
    cors = cors_headers(allowed)
    assert cors["access-control-allow-origin"] == [LISTED_ORIGIN]
    assert cors["access-control-allow-credentials"] == ["true"]
    assert "POST" in cors["access-control-allow-methods"][0]
    allowed_headers = cors["access-control-allow-headers"][0]
    for name in ("Authorization", "Content-Type", "Prefer", "Accept-Profile", "Content-Profile",
                 "Range", "X-CSRF-Token", "X-Session", "X-Client-Info"):  # fmt: skip
        assert name in allowed_headers, name
    assert_secure(allowed)

    refused = door.options("/rest/articles", headers={**ask, "Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert error_code(refused) == "frontdoor.origin_not_allowed"
    assert cors_headers(refused) == {}
    storage_calls = len(upstreams.storage.received)
    assert door.options("/storage/object/a/b", headers=ask).status_code == 204
    assert len(upstreams.storage.received) == storage_calls, "a preflight is never proxied"


# --- storage routes -------------------------------------------------------------------------


@pytest.fixture
def stored_files() -> Iterator[None]:
    for tree, body in (("public", b"public bytes"), ("private", b"private bytes")):
        folder = STORAGE_DIR / tree / "avatars"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ada.png").write_bytes(body)
    yield
    for tree in ("public", "private"):
        (STORAGE_DIR / tree / "avatars" / "ada.png").unlink(missing_ok=True)


@pytest.mark.usefixtures("stored_files")
def test_public_files_come_from_the_folder_with_long_cache_headers(door: httpx.Client) -> None:
    answer = door.get("/storage/public/avatars/ada.png")
    assert answer.status_code == 200
    assert answer.content == b"public bytes"
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_secure(answer)
    missing = door.get("/storage/public/avatars/nobody.png")
    assert missing.status_code == 404
    assert "immutable" not in missing.headers.get("cache-control", ""), "a 404 is not kept"
    climbing = door.get("/storage/public/%2e%2e/private/avatars/ada.png")
    assert climbing.content != b"private bytes", "no way out of the public tree"


@pytest.mark.usefixtures("stored_files")
def test_private_files_only_through_the_services_accel_redirect(
    door: httpx.Client, upstreams: Upstreams
) -> None:
    answer = door.get("/storage/object/avatars/ada.png")
    assert answer.status_code == 200, answer.text
    assert answer.content == b"private bytes", "nginx served the file the service named"
    seen = upstreams.storage.last()
    assert seen.path == "/storage/object/avatars/ada.png", "the path reaches the service whole"
    assert seen.headers["x-storage-accel"] == "1"
    assert seen.headers["x-real-ip"] == "127.0.0.1"
    assert cors_headers(answer) == {}, "the service's own CORS header is dropped"
    direct = door.get("/_storage_private/avatars/ada.png")
    assert direct.status_code == 404, "the private tree is internal"


def test_uploads_stream_to_the_service_and_are_capped(
    frontdoor: Door, upstreams: Upstreams
) -> None:
    half = 256 * 1024
    sent_second_half_at = 0.0

    def body() -> Iterator[bytes]:
        nonlocal sent_second_half_at
        yield b"a" * half
        time.sleep(1.0)
        sent_second_half_at = time.monotonic()
        yield b"b" * half

    with frontdoor.client() as client:
        answer = client.put(
            "/storage/object/avatars/big.bin",
            content=body(),
            headers={"Content-Length": str(2 * half), "Content-Type": "application/octet-stream"},
        )
        assert answer.status_code == 200, answer.text
        seen = upstreams.storage.last()
        assert seen.body_length == 2 * half
        assert seen.first_byte_at is not None
        assert seen.first_byte_at < sent_second_half_at, (
            "the service had the first bytes before the client sent the rest (not buffered)"
        )
        over = client.put(
            "/storage/object/avatars/huge.bin",
            content=b"x" * (frontdoor.config.storage_max_body + 1),
        )
        assert over.status_code == 413
        assert error_code(over) == "frontdoor.body_too_large"
        assert str(frontdoor.config.storage_max_body) in over.json()["message"]


def test_the_storage_body_cap_is_its_own(door: httpx.Client, upstreams: Upstreams) -> None:
    """2 MB is over /rest/'s cap, under /storage/'s."""
    two_mb = b"x" * (2 << 20)
    assert door.put("/storage/object/avatars/two.bin", content=two_mb).status_code == 200
    assert upstreams.storage.last().body_length == len(two_mb)
    assert door.post("/rest/rpc/fd_now", content=two_mb).status_code == 413


# --- realtime -----------------------------------------------------------------------------


def test_realtime_through_the_front_door_delivers_an_event(
    frontdoor: Door, upstreams: Upstreams
) -> None:
    with httpx.Client(base_url=upstreams.postgrest.url) as direct:
        editor = login(direct, create_user(upstreams.postgrest.db_url, ["editor"], "live"))
    with websocket(frontdoor, origin=frontdoor.url) as ws, frontdoor.client() as api:
        reader = Client(ws)
        reader.subscribe("publishing:articles")
        article = json_of(
            api.post(
                "/rest/articles",
                headers={**editor, "Prefer": "return=representation"},
                json={"title": "Live through nginx"},
            )
        )[0]
        publish = {"article_id": article["id"]}
        json_of(api.post("/rest/rpc/publish_article", headers=editor, json=publish))
        got = reader.until(
            lambda m: m["op"] == "event" and m["data"]["record"]["id"] == article["id"]
        )
    assert got[-1]["type"] == "article.published"
