"""PostgREST and the gateway read every token the same way (issue 19, finding 6).

Each case is one token, sent to the real PostgREST 12.0.2 binary (``GET /rpc/me``) and to
the real gateway (``auth`` on a socket, then ``subscribe user:<id>``, a topic only that
signed-in user may follow). Each side's answer is reduced to one of three outcomes:

* ``user``: signed in as the token's user (PostgREST 200 with that id; the gateway
  authenticates and lets the socket follow ``user:<id>``);
* ``anonymous``: accepted as an anonymous caller (PostgREST refuses ``me`` for lack of
  EXECUTE, 42501; the gateway authenticates but ``user:<id>`` is forbidden);
* ``refused``: the token itself is refused (any other error).

The table also states what PostgREST answers, measured against the binary, so the
documented rule (docs/realtime-security.md) is checked as well as the agreement.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import jwt
import pytest

from tests.fix_postgrest import API_DB, ApiServer
from tests.gateway_process import Client, GatewayProcess, gateway
from tests.publishing_client import create_user, login

Outcome = Literal["user", "anonymous", "refused"]
Claims = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    #: PostgREST 12.0.2's answer, measured against the binary.
    postgrest: Outcome
    claims: Callable[[Claims], Claims]
    algorithm: str = "HS256"
    wrong_secret: bool = False


def _with(**changes: Any) -> Callable[[Claims], Claims]:
    def edit(claims: Claims) -> Claims:
        out = {**claims, **changes}
        return {k: v for k, v in out.items() if v is not None}

    return edit


def _expired(seconds: int) -> Callable[[Claims], Claims]:
    return lambda claims: {**claims, "exp": int(time.time()) - seconds}


def _without(*names: str) -> Callable[[Claims], Claims]:
    return lambda claims: {k: v for k, v in claims.items() if k not in names}


CASES = [
    Case("HS256, complete", "user", _with()),
    Case("HS384, complete", "user", _with(), algorithm="HS384"),
    Case("HS512, complete", "user", _with(), algorithm="HS512"),
    Case("expired 10 s ago (within PostgREST's 30 s skew)", "user", _expired(10)),
    Case("expired 40 s ago", "refused", _expired(40)),
    Case("role missing, with sub and sid", "refused", _without("role")),
    Case("role anon, with sub and sid", "refused", _with(role="anon")),
    Case("role anon only", "anonymous", lambda _: {"role": "anon"}),
    Case("role authenticated without sid", "refused", _without("sid")),
    Case("role authenticated without exp", "refused", _without("exp")),
    Case("a role the API may not use", "refused", _with(role="postgres")),
    Case("signed with another secret", "refused", _with(), wrong_secret=True),
    Case("alg none", "refused", _with(), algorithm="none"),
    Case("not valid before: 10 s ahead", "user", lambda c: {**c, "nbf": int(time.time()) + 10}),
    Case("not valid before: 60 s ahead", "refused", lambda c: {**c, "nbf": int(time.time()) + 60}),
    Case("issued 10 s in the future", "user", lambda c: {**c, "iat": int(time.time()) + 10}),
    Case("issued 60 s in the future", "refused", lambda c: {**c, "iat": int(time.time()) + 60}),
    Case("with an audience", "user", _with(aud="someone")),
]


def _encode(case: Case, claims: Claims, secret: str) -> str:
    if case.algorithm == "none":
        header = {"alg": "none", "typ": "JWT"}
        parts = [json.dumps(header).encode(), json.dumps(claims).encode()]
        return ".".join(base64.urlsafe_b64encode(p).rstrip(b"=").decode() for p in parts) + "."
    key = "another secret, also at least 32 characters long" if case.wrong_secret else secret
    return jwt.encode(claims, key, algorithm=case.algorithm)


@dataclass(frozen=True)
class Signer:
    user_id: str
    claims: Claims  # of a live session, as /rpc/login issued them
    secret: str


@pytest.fixture(scope="module")
def signer(postgrest: ApiServer) -> Signer:
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        headers = login(api, create_user(postgrest.db_url, ["reader"], prefix="tokens"))
    token = headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, postgrest.jwt_secret, algorithms=["HS256"])
    return Signer(str(claims["sub"]), claims, postgrest.jwt_secret)


@pytest.fixture(scope="module")
def gw(postgrest: ApiServer) -> Iterator[GatewayProcess]:
    with gateway(API_DB) as running:
        yield running


def postgrest_outcome(api: httpx.Client, token: str, user_id: str) -> Outcome:
    response = api.get("/rpc/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 200:
        assert response.json()["id"] == user_id
        return "user"
    body = response.json()
    if response.status_code == 401 and body.get("code") == "42501":
        return "anonymous"  # anon has no EXECUTE on api.me
    return "refused"


def gateway_outcome(gw: GatewayProcess, token: str, user_id: str) -> Outcome:
    with Client.open(gw.realtime_url) as client:
        client.send("auth", token=token)
        answer = client.recv()
        if answer["op"] == "error":
            assert answer["code"] in {"invalid_token", "token_expired", "session_revoked"}, answer
            return "refused"
        assert answer["op"] == "authenticated", answer
        client.send("subscribe", topic=f"user:{user_id}")
        answer = client.recv()
        if answer["op"] == "subscribed":
            return "user"
        assert answer == {
            "op": "error",
            "code": "forbidden",
            "message": f"you may not follow 'user:{user_id}'",
            "topic": f"user:{user_id}",
        }
        return "anonymous"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_postgrest_and_the_gateway_agree_on_every_token(
    case: Case, signer: Signer, api: httpx.Client, gw: GatewayProcess
) -> None:
    token = _encode(case, case.claims(dict(signer.claims)), signer.secret)
    at_postgrest = postgrest_outcome(api, token, signer.user_id)
    at_gateway = gateway_outcome(gw, token, signer.user_id)
    assert (at_postgrest, at_gateway) == (case.postgrest, case.postgrest), (
        f"{case.name}: PostgREST says {at_postgrest}, the gateway {at_gateway}; "
        f"the documented rule says {case.postgrest}"
    )
