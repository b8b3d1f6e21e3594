"""The auth API through the real PostgREST: the whole token life cycle and its errors."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import psycopg
from psycopg import sql

from tests.fix_postgrest import ApiServer

PASSWORD = "correct horse battery staple"


def new_identity() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:12]
    return f"user-{tag}@example.test", f"user_{tag}"


def register(
    api: httpx.Client,
    email: str | None = None,
    username: str | None = None,
    password: str = PASSWORD,
) -> dict[str, Any]:
    default_email, default_username = new_identity()
    response = api.post(
        "/rpc/register",
        json={
            "email": email or default_email,
            "password": password,
            "username": username or default_username,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_login_refresh_reuse_logout(api: httpx.Client) -> None:
    email, username = new_identity()
    registered = register(api, email, username)
    assert registered["token_type"] == "bearer"
    assert registered["expires_in"] <= 900
    assert registered["user"]["email"] == email

    login = api.post("/rpc/login", json={"email": email.upper(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()

    me = api.get("/rpc/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["username"] == username
    assert me.json()["privileges"] == ["reader"]

    refreshed = api.post("/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert api.get("/rpc/me", headers=bearer(new["access_token"])).status_code == 200

    reused = api.post("/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["code"] == "auth.refresh_token_reused"
    # The reuse revoked the session: its newest access token is refused on the next request.
    after_reuse = api.get("/rpc/me", headers=bearer(new["access_token"]))
    assert after_reuse.status_code == 401
    assert after_reuse.json()["code"] == "auth.session_revoked"
    assert api.post("/rpc/refresh", json={"refresh_token": new["refresh_token"]}).status_code == 401

    second = api.post("/rpc/login", json={"email": email, "password": PASSWORD}).json()
    out = api.post("/rpc/logout", json={}, headers=bearer(second["access_token"]))
    assert out.status_code == 200, out.text
    assert out.json() == {"sessions_revoked": 1}
    refused = api.get("/rpc/me", headers=bearer(second["access_token"]))
    assert refused.status_code == 401
    assert refused.json()["code"] == "auth.session_revoked"
    assert "invalid_token" in refused.headers.get("WWW-Authenticate", "")


def test_logout_everywhere_and_password_change_revoke_other_sessions(api: httpx.Client) -> None:
    email, _ = new_identity()
    first = register(api, email)
    second = api.post("/rpc/login", json={"email": email, "password": PASSWORD}).json()

    changed = api.post(
        "/rpc/change_password",
        headers=bearer(first["access_token"]),
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200, changed.text
    for old in (first, second):
        assert api.get("/rpc/me", headers=bearer(old["access_token"])).status_code == 401
    assert api.get("/rpc/me", headers=bearer(changed.json()["access_token"])).status_code == 200
    assert api.post("/rpc/login", json={"email": email, "password": PASSWORD}).status_code == 401

    third = api.post(
        "/rpc/login", json={"email": email, "password": "a brand new passphrase"}
    ).json()
    out = api.post("/rpc/logout", json={"everywhere": True}, headers=bearer(third["access_token"]))
    assert out.json() == {"sessions_revoked": 2}
    assert api.get("/rpc/me", headers=bearer(changed.json()["access_token"])).status_code == 401


def test_field_errors_carry_status_code_and_field(api: httpx.Client) -> None:
    email, username = new_identity()
    register(api, email, username)
    cases = [
        (
            {"email": email.upper(), "password": PASSWORD, "username": "someone_else"},
            409,
            "auth.email_taken",
            "email",
        ),
        (
            {"email": "x" + email, "password": PASSWORD, "username": username.upper()},
            409,
            "auth.username_taken",
            "username",
        ),
        (
            {"email": "y" + email, "password": "short", "username": "y" + username},
            422,
            "auth.weak_password",
            "password",
        ),
        (
            {"email": "not an email", "password": PASSWORD, "username": "z" + username},
            422,
            "auth.invalid_email",
            "email",
        ),
    ]
    for body, status, code, field in cases:
        response = api.post("/rpc/register", json=body)
        assert response.status_code == status, response.text
        error = response.json()
        assert error["code"] == code
        assert error["message"].startswith(field)


def test_login_failures_reveal_nothing_and_are_throttled(api: httpx.Client) -> None:
    email, _ = new_identity()
    register(api, email)
    wrong = api.post("/rpc/login", json={"email": email, "password": "wrong password!!"})
    unknown = api.post(
        "/rpc/login", json={"email": "nobody-" + email, "password": "wrong password!!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()

    statuses = [
        api.post("/rpc/login", json={"email": email, "password": f"wrong password {n}"}).status_code
        for n in range(5)
    ]
    # The fifth consecutive failure locks the email: failures were committed despite the 401s.
    assert statuses[:4] == [401, 401, 401, 401]
    locked = api.post("/rpc/login", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "auth.too_many_attempts"
    assert int(locked.headers["Retry-After"]) > 0


def test_tokens_without_exp_or_session_and_forged_tokens_are_refused(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    body = register(api)
    claims = jwt.decode(body["access_token"], postgrest.jwt_secret, algorithms=["HS256"])
    no_exp = {k: v for k, v in claims.items() if k != "exp"}
    no_sid = {k: v for k, v in claims.items() if k != "sid"}
    for forged_claims in (no_exp, no_sid):
        token = jwt.encode(forged_claims, postgrest.jwt_secret, algorithm="HS256")
        response = api.get("/rpc/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "auth.token_incomplete"

    wrong_key = jwt.encode(
        claims, "another secret that is long enough to be valid", algorithm="HS256"
    )
    assert api.get("/rpc/me", headers=bearer(wrong_key)).status_code == 401
    expired = jwt.encode(
        {**claims, "exp": int(time.time()) - 60}, postgrest.jwt_secret, algorithm="HS256"
    )
    assert api.get("/rpc/me", headers=bearer(expired)).status_code == 401


def test_anonymous_callers_get_a_clear_401_on_private_rpcs(api: httpx.Client) -> None:
    response = api.get("/rpc/me")
    assert response.status_code == 401
    assert response.json()["code"] == "42501"


def test_openapi_is_served_and_lists_the_auth_rpcs(api: httpx.Client) -> None:
    response = api.get("/", headers={"Accept": "application/openapi+json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for rpc in ("register", "login", "refresh"):
        assert f"/rpc/{rpc}" in paths
    # follow-privileges: what anon cannot run is not advertised to anon.
    assert "/rpc/me" not in paths


def test_private_schemas_are_not_exposed(api: httpx.Client) -> None:
    response = api.get("/users", headers={"Accept-Profile": "auth"})
    assert response.status_code == 406
    assert response.json()["code"] == "PGRST106"


def test_the_signing_secret_is_not_readable_by_api_roles(postgrest: ApiServer) -> None:
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        for role in ("anon", "authenticated"):
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
            for probe in (
                "select jwt_secret from auth.config",
                "select auth.sign_jwt('{}')",
                "select current_setting('app.jwt_secret', true)",
            ):
                try:
                    row = conn.execute(probe).fetchone()
                except psycopg.errors.InsufficientPrivilege:
                    continue
                assert row is not None
                assert row[0] is None, f"{role} read something with {probe!r}"
            conn.execute("reset role")
