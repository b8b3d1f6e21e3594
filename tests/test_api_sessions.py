"""Cookie sessions for browsers through the real PostgREST: the cookies and their flags,
CSRF, refresh and logout by cookie, and the login throttle by client address.

Browsers keep ``Secure`` cookies off plain HTTP, and the refresh cookie's path is the
front door's (``/rest/rpc/refresh``): the tests carry the cookies themselves, as the
browser does behind the front door (`Jar`).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest

from tests.fix_postgrest import ApiServer
from tests.publishing_client import PASSWORD, PUBLISHING, create_user

ORIGIN = "https://app.example.test"
COOKIE_LOGIN = {"X-Session": "cookie", "Origin": ORIGIN}
RETURN = {"Prefer": "return=representation"}


@dataclass
class SetCookie:
    value: str
    attributes: dict[str, str]  # lower-case names; flags map to ""


def set_cookies(response: httpx.Response) -> dict[str, SetCookie]:
    """The response's Set-Cookie headers by cookie name."""
    found: dict[str, SetCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        found[name] = SetCookie(
            value,
            {k.lower(): v for k, _, v in (a.partition("=") for a in attributes)},
        )
    return found


@dataclass
class Jar:
    """The cookies a browser keeps for the front door's origin, sent back by hand."""

    cookies: dict[str, str] = field(default_factory=dict)

    def absorb(self, response: httpx.Response) -> httpx.Response:
        for name, cookie in set_cookies(response).items():
            if cookie.attributes.get("max-age") == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie.value
        return response

    def header(self, *names: str) -> dict[str, str]:
        """A Cookie header with these cookies (default: all but the refresh cookie, which
        the browser sends to the refresh path only)."""
        chosen = names or tuple(n for n in self.cookies if n != "__Secure-refresh")
        return {"Cookie": "; ".join(f"{n}={self.cookies[n]}" for n in chosen if n in self.cookies)}

    @property
    def csrf(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.cookies["__Host-csrf"]}


@pytest.fixture(scope="module")
def origin(postgrest: ApiServer) -> Iterator[str]:
    """The test page's origin, allowed to use cookie sessions (as `inv up` writes it)."""
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        conn.execute("select auth.set_allowed_origins(%s)", ([ORIGIN],))
    yield ORIGIN
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        conn.execute("select auth.set_allowed_origins('{}')")


def cookie_login(api: httpx.Client, email: str, jar: Jar | None = None) -> Jar:
    jar = Jar() if jar is None else jar
    response = api.post(
        "/rpc/login", headers=COOKIE_LOGIN, json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    jar.absorb(response)
    return jar


def test_login_sets_the_session_cookies_with_their_flags(
    api: httpx.Client, postgrest: ApiServer, origin: str
) -> None:
    email = create_user(postgrest.db_url, [], "cookie")
    response = api.post(
        "/rpc/login",
        headers={"X-Session": "cookie", "Origin": origin},
        json={"email": email, "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "cookie"
    assert "access_token" not in body, "no token reaches JS"
    assert "refresh_token" not in body
    cookies = set_cookies(response)
    assert set(cookies) == {"__Host-access", "__Secure-refresh", "__Host-csrf"}
    assert cookies["__Host-access"].attributes == {
        "path": "/", "max-age": "900", "httponly": "", "secure": "", "samesite": "Lax",
    }  # fmt: skip
    refresh = cookies["__Secure-refresh"].attributes
    assert refresh["path"] == "/rest/rpc/refresh"
    assert {"httponly", "secure"} <= set(refresh)
    assert refresh["samesite"] == "Lax"
    assert 30 * 86400 - 60 <= int(refresh["max-age"]) <= 30 * 86400, "the session's lifetime"
    csrf = cookies["__Host-csrf"].attributes
    assert "httponly" not in csrf, "the page's JS reads the CSRF cookie"
    assert csrf["path"] == "/"
    assert "secure" in csrf
    assert csrf["samesite"] == "Lax"
    assert body["csrf_token"] == cookies["__Host-csrf"].value
    assert response.headers["Cache-Control"] == "no-store"

    bearer = api.post("/rpc/login", json={"email": email, "password": PASSWORD})
    assert {"access_token", "refresh_token"} <= set(bearer.json()), "Bearer clients: unchanged"
    assert "set-cookie" not in bearer.headers


def test_cookie_writes_need_the_csrf_header_and_reads_see_the_users_own_drafts(
    api: httpx.Client, postgrest: ApiServer, origin: str
) -> None:
    jar = cookie_login(api, create_user(postgrest.db_url, ["author"], "cookiewriter"))
    article = {"title": f"Cookie draft {uuid.uuid4().hex[:8]}", "content": "Drafted. " * 20}
    base = {**PUBLISHING, **RETURN, **jar.header(), "Origin": origin}

    missing = api.post("/articles", headers=base, json=article)
    assert missing.status_code == 403, missing.text
    assert missing.json()["code"] == "auth.csrf_failed"
    assert "X-CSRF-Token" in missing.json()["message"]
    wrong = api.post("/articles", headers={**base, "X-CSRF-Token": "x" * 43}, json=article)
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "auth.csrf_failed"
    created = api.post("/articles", headers={**base, **jar.csrf}, json=article)
    assert created.status_code == 201, created.text
    mine = created.json()[0]

    # Bearer requests are unaffected: no CSRF header, whatever cookies come along.
    other = api.post(
        "/rpc/login",
        json={"email": create_user(postgrest.db_url, ["author"], "bearer"), "password": PASSWORD},
    ).json()
    bearer = {**PUBLISHING, **RETURN, "Authorization": f"Bearer {other['access_token']}"}
    theirs = api.post("/articles", headers={**bearer, **jar.header()}, json=article)
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()[0]["author_id"] == other["user"]["id"], "the Bearer token wins"

    # A GET carrying only the cookie: row-level security sees the cookie's user.
    drafts = api.get(
        "/articles",
        headers={**PUBLISHING, **jar.header()},
        params={"status": "eq.draft", "select": "id,author_id", "title": f"eq.{article['title']}"},
    )
    assert drafts.status_code == 200, drafts.text
    assert drafts.json() == [{"id": mine["id"], "author_id": mine["author_id"]}]
    anonymous = api.get("/articles", headers=PUBLISHING, params={"id": f"eq.{mine['id']}"})
    assert anonymous.json() == [], "without the cookie the draft is invisible"


def test_a_cross_site_form_post_is_refused(
    api: httpx.Client, postgrest: ApiServer, origin: str
) -> None:
    jar = cookie_login(api, create_user(postgrest.db_url, [], "victim"))
    form = {"Content-Type": "application/x-www-form-urlencoded", **jar.header()}
    for page in ("https://evil.example", origin):
        forged = api.post(
            "/rpc/logout", headers={**form, "Origin": page}, content="everywhere=true"
        )
        assert forged.status_code == 403, forged.text
        assert forged.json()["code"] == "auth.csrf_failed"
    me = api.get("/rpc/me", headers=jar.header())
    assert me.status_code == 200, "the forged posts changed nothing: the session lives"


def test_refresh_by_cookie_and_logout_clear_the_cookies(
    api: httpx.Client, postgrest: ApiServer, origin: str
) -> None:
    jar = cookie_login(api, create_user(postgrest.db_url, [], "refresher"))
    first = dict(jar.cookies)
    refresh_cookie = jar.header("__Secure-refresh", "__Host-csrf")
    refused = api.post("/rpc/refresh", headers=refresh_cookie)
    assert refused.status_code == 403, "refresh by cookie needs the CSRF header"
    refreshed = jar.absorb(
        api.post("/rpc/refresh", headers={**refresh_cookie, **jar.csrf, "Origin": origin})
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["token_type"] == "cookie"
    assert jar.cookies["__Secure-refresh"] != first["__Secure-refresh"], "rotated"
    assert set(set_cookies(refreshed)) == {"__Host-access", "__Secure-refresh", "__Host-csrf"}
    assert api.get("/rpc/me", headers=jar.header()).status_code == 200

    out = jar.absorb(api.post("/rpc/logout", headers={**jar.header(), **jar.csrf}, json={}))
    assert out.status_code == 200, out.text
    assert out.json() == {"sessions_revoked": 1}
    cleared = set_cookies(out)
    assert set(cleared) == {"__Host-access", "__Secure-refresh", "__Host-csrf"}
    assert all(c.value == "" and c.attributes["max-age"] == "0" for c in cleared.values())
    assert cleared["__Secure-refresh"].attributes["path"] == "/rest/rpc/refresh"
    assert jar.cookies == {}, "the browser forgets all three"
    stale = api.get("/rpc/me", headers={"Cookie": f"__Host-access={first['__Host-access']}"})
    assert stale.status_code == 401
    assert stale.json()["code"] == "auth.session_revoked"


def test_random_emails_from_one_address_stop_before_bcrypt_and_the_owner_still_logs_in(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    owner = create_user(postgrest.db_url, [], "owner")
    attacker = f"198.18.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"  # one per run
    tag = uuid.uuid4().hex[:8]
    statuses = [
        api.post(
            "/rpc/login",
            headers={"X-Real-IP": attacker},
            json={"email": f"random-{tag}-{n}@example.test", "password": "guess guess guess"},
        ).status_code
        for n in range(20)
    ]
    assert statuses == [401] * 20
    last = f"random-{tag}-20@example.test"
    locked = api.post(
        "/rpc/login", headers={"X-Real-IP": attacker}, json={"email": last, "password": "guess"}
    )
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "auth.too_many_attempts"
    assert int(locked.headers["Retry-After"]) > 0
    with psycopg.connect(postgrest.db_url) as conn:
        row = conn.execute("select count(*) from auth.login_failures where email = %s", (last,))
        assert row.fetchone() == (0,), "refused at the throttle, before the password was hashed"
    owner_from_there = api.post(
        "/rpc/login", headers={"X-Real-IP": attacker}, json={"email": owner, "password": PASSWORD}
    )
    assert owner_from_there.status_code == 429, "the locked address cannot sign in at all"
    owner_at_home = api.post(
        "/rpc/login",
        headers={"X-Real-IP": "192.0.2.10"},
        json={"email": owner, "password": PASSWORD},
    )
    assert owner_at_home.status_code == 200, "the owner from another address is not locked out"
