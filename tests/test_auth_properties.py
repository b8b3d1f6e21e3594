"""Properties of the auth API, checked with hypothesis against the real stack."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from tests.fix_postgrest import ApiServer

#: The privilege model as specified (issue #2): what each privilege implies.
IMPLIES = {
    "author": {"author", "reader"},
    "moderator": {"moderator", "reader"},
    "editor": {"editor", "author", "reader"},
    "admin": {"admin", "editor", "moderator", "author", "reader"},
}

valid_passwords = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=10,
    max_size=72,
).filter(lambda p: len(p.encode()) <= 72)

slow = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fresh_email() -> str:
    return f"prop-{uuid.uuid4().hex}@example.test"


@slow
@given(password=valid_passwords, other=valid_passwords)
def test_any_valid_password_round_trips_and_no_other_logs_in(
    postgrest: ApiServer, password: str, other: str
) -> None:
    email = fresh_email()
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        registered = api.post(
            "/rpc/register",
            json={"email": email, "password": password, "username": "u" + uuid.uuid4().hex[:20]},
        )
        assert registered.status_code == 200, registered.text
        assert (
            api.post("/rpc/login", json={"email": email, "password": password}).status_code == 200
        )
        if other != password:
            wrong = api.post("/rpc/login", json={"email": email, "password": other})
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "auth.invalid_credentials"


@slow
@given(granted=st.sets(st.sampled_from(sorted(IMPLIES))))
def test_issued_tokens_verify_and_carry_the_right_claims(
    postgrest: ApiServer, granted: set[str]
) -> None:
    email = fresh_email()
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        row = conn.execute(
            "select auth.create_user(%s, %s, %s, %s)",
            (email, "correct horse battery staple", "u" + uuid.uuid4().hex[:20], sorted(granted)),
        ).fetchone()
        assert row is not None
        user_id = str(row[0])
    with httpx.Client(base_url=postgrest.url, timeout=10) as api:
        body = api.post(
            "/rpc/login", json={"email": email, "password": "correct horse battery staple"}
        ).json()
        claims = jwt.decode(
            body["access_token"],
            postgrest.jwt_secret,
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub", "role", "sid"]},
        )
        assert claims["role"] == "authenticated"
        assert claims["sub"] == user_id
        expected = set().union({"reader"}, *(IMPLIES[p] for p in granted))
        assert set(claims["privileges"]) == expected
        assert 0 < claims["exp"] - claims["iat"] <= 900
        assert abs(claims["iat"] - time.time()) < 60
        assert body["expires_in"] == claims["exp"] - claims["iat"]
        me = api.get("/rpc/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["id"] == user_id
    with psycopg.connect(postgrest.db_url) as conn:
        live = conn.execute(
            "select revoked_at is null from auth.sessions where id = %s and user_id = %s",
            (claims["sid"], user_id),
        ).fetchone()
        assert live == (True,)


SECRET_COLUMNS = [
    ("auth", "users", "password_hash"),
    ("auth", "refresh_tokens", "token_hash"),
    ("auth", "config", "jwt_secret"),
    ("auth", "sessions", "id"),
]


def other_roles(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """Every role of the cluster that is neither a superuser, a predefined role, nor the owner."""
    rows = conn.execute(
        """select rolname from pg_roles
            where not rolsuper and rolname !~ '^pg_'
              and oid <> (select relowner from pg_class where oid = 'auth.users'::regclass)
            order by rolname"""
    ).fetchall()
    return [str(r[0]) for r in rows]


def test_no_platform_role_reads_everything(postgrest: ApiServer) -> None:
    with psycopg.connect(postgrest.db_url) as conn:
        members = conn.execute(
            """select r.rolname from pg_roles r
                where pg_has_role(r.oid, 'pg_read_all_data', 'member') and not r.rolsuper
                  and r.rolname <> 'pg_read_all_data'"""
        ).fetchall()
    assert members == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_role_but_the_owner_reads_hashes_tokens_or_the_secret(
    postgrest: ApiServer, data: st.DataObject
) -> None:
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        role = data.draw(st.sampled_from(other_roles(conn)), label="role")
        schema, table, column = data.draw(st.sampled_from(SECRET_COLUMNS), label="column")
        target = sql.Identifier(schema, table)
        has = conn.execute(
            "select has_column_privilege(%s, %s, %s, 'select')",
            (role, f"{schema}.{table}", column),
        ).fetchone()
        assert has == (False,)
        conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
        try:
            conn.execute(
                sql.SQL("select {} from {} limit 1").format(sql.Identifier(column), target)
            )
        except psycopg.errors.InsufficientPrivilege:
            pass
        else:
            raise AssertionError(f"{role} read {schema}.{table}.{column}")
        finally:
            conn.execute("reset role")
