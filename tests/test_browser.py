"""The sample page (web/) in a real browser: headless Chromium driven by Playwright,
through the real front door, PostgREST, gateway and storage service.

Two browser contexts (two people, two cookie jars): a reader signs in and waits on the
live list; a writer signs in, uploads an avatar and publishes; the reader sees the
article arrive over the WebSocket. Then, from the browser: a state-changing request
without the anti-CSRF header is refused, and a page of another origin cannot read the
API with the user's cookies. A screenshot of each page is kept in
``var/test/artifacts/`` (``PLATFORM_DATA_DIR`` of the tests).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from ops.net import free_port
from tests.fix_cluster import TEST_DATA_DIR
from tests.fix_site import Site
from tests.publishing_client import PASSWORD, create_user
from tests.storage_client import photo

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (ops/bootstrap.sh); root needs --no-sandbox
ARTIFACTS = TEST_DATA_DIR / "artifacts"
LIVE_SECONDS = 15_000  # Playwright's timeouts are in milliseconds

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    try:
        yield browser
    finally:
        browser.close()


def person(browser: Browser, site: Site) -> BrowserContext:
    """A browser profile of its own: its own cookie jar. The test CA is not in the
    browser's store, so certificate errors are ignored (the page is still https, its
    cookies Secure)."""
    context = browser.new_context(ignore_https_errors=True, base_url=site.door.url)
    context.set_default_timeout(LIVE_SECONDS)
    return context


def sign_in(page: Page, email: str) -> None:
    page.goto("/")
    page.fill("#login-form input[name=email]", email)
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#who")).to_have_text(f"Signed in as {email}")
    expect(page.locator("#realtime-state")).to_have_text("live")


def fetch(page: Page, url: str, init: dict[str, Any]) -> dict[str, Any]:
    """``fetch`` run by the page; its status and body, or the error a browser reports."""
    result: dict[str, Any] = page.evaluate(
        """async ([url, init]) => {
          try {
            const r = await fetch(url, init);
            return {status: r.status, body: await r.text()};
          } catch (e) {
            return {error: String(e)};
          }
        }""",
        [url, init],
    )
    return result


@pytest.fixture
def foreign_origin() -> Iterator[str]:
    """A page of another origin (an unlisted one): a plain HTTP server on loopback."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>elsewhere</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_one_publishes_the_other_sees_it_live(
    site: Site, browser: Browser, tmp_path: Path, foreign_origin: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    reader_email = create_user(site.db_url, [], "reader")
    writer_email = create_user(site.db_url, ["author", "editor"], "writer")
    reader, writer = person(browser, site), person(browser, site)
    try:
        reading, writing = reader.new_page(), writer.new_page()
        sign_in(reading, reader_email)
        sign_in(writing, writer_email)

        cookies = {c["name"]: c for c in writer.cookies()}
        assert cookies["__Host-access"]["httpOnly"]
        assert cookies["__Host-access"]["secure"]
        assert cookies["__Host-access"]["sameSite"] == "Lax"
        assert not cookies["__Host-csrf"]["httpOnly"], "the page reads it to send the header"
        assert cookies["__Secure-refresh"]["path"] == "/rest/rpc/refresh"
        assert writing.evaluate("document.cookie").count("__Host-access") == 0, (
            "the access token is out of the page's reach"
        )

        # The writer's avatar: uploaded to storage, shown from nginx's public tree.
        picture = tmp_path / "me.png"
        picture.write_bytes(photo("PNG", (120, 120)))
        writing.set_input_files("#avatar-form input[name=file]", str(picture))
        writing.click("#avatar-form button[type=submit]")
        expect(writing.locator("#status")).to_have_text("Avatar uploaded.")
        avatar = writing.locator("#avatar")
        expect(avatar).to_be_visible()
        prefix = re.escape(f"/storage/public/avatars/{cookie_user(writing)}/")
        expect(avatar).to_have_attribute("src", re.compile(f"^{prefix}"))
        writing.wait_for_function("document.querySelector('#avatar').naturalWidth === 120")

        # Published by one, seen live by the other.
        title = f"Live from the browser {uuid.uuid4().hex[:8]}"
        writing.fill("#publish-form input[name=title]", title)
        writing.fill("#publish-form textarea[name=content]", "Sent through the front door.")
        writing.click("#publish-form button[type=submit]")
        expect(writing.locator("#status")).to_have_text(f"Published “{title}”.")
        expect(reading.locator("#live li").filter(has_text=title)).to_have_count(1)
        expect(reading.locator("#articles li").filter(has_text=title)).to_have_count(1)

        # CSRF: the reader's own page, a state-changing request without the header.
        refused = fetch(reading, "/rest/rpc/logout", {"method": "POST"})
        assert refused["status"] == 403, refused
        assert '"auth.csrf_failed"' in refused["body"]
        expect(reading.locator("#who")).to_have_text(f"Signed in as {reader_email}")

        # CORS: a page of another origin cannot read the API with the reader's cookies,
        # and its preflight for a write is refused by the front door.
        elsewhere = reader.new_page()
        elsewhere.goto(foreign_origin)
        read = fetch(elsewhere, f"{site.door.url}/rest/rpc/me", {"credentials": "include"})
        assert "Failed to fetch" in read.get("error", ""), read
        write = fetch(
            elsewhere,
            f"{site.door.url}/rest/rpc/logout",
            {
                "method": "POST",
                "credentials": "include",
                "headers": {"Content-Type": "application/json", "X-CSRF-Token": "guess"},
            },
        )
        assert "error" in write, f"the browser blocked it: {write}"
        expect(reading.locator("#who")).to_have_text(f"Signed in as {reader_email}")

        reading.screenshot(path=str(ARTIFACTS / "browser-reader.png"), full_page=True)
        writing.screenshot(path=str(ARTIFACTS / "browser-writer.png"), full_page=True)
    finally:
        reader.close()
        writer.close()


def cookie_user(page: Page) -> str:
    """The signed-in user's id, as the page shows it."""
    return str(page.locator("#who").get_attribute("data-user"))
