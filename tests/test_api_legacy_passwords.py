"""Old passwords keep working, through the real PostgREST: an account imported from Django
with its PBKDF2-SHA256 hash logs in, gets bcrypt at that first login, and its clear-text
password is stored and logged nowhere. Ops give a must-reset account a password."""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import subprocess
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from core.paths import PROJECT_ROOT
from tests.fix_cluster import TEST_DATA_DIR
from tests.fix_postgrest import ApiServer
from tests.test_ops_tasks import inv

#: The test cluster's server log (tests/fix_cluster.py); absent with an external server.
SERVER_LOG = TEST_DATA_DIR / "log" / "postgresql.log"

SALT_CHARS = string.ascii_letters + string.digits


def django_hash(password: str, iterations: int) -> str:
    """A hash exactly as Django's PBKDF2PasswordHasher writes it (22-character salt)."""
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(22))
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    # Django's own expression (django/contrib/auth/hashers.py), kept as it is written there
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt, base64.b64encode(key).decode())  # noqa: UP031


def secret_password() -> str:
    """A password no other test uses, so finding it anywhere means it leaked."""
    return f"old-django-{secrets.token_urlsafe(12)}"


def import_account(db_url: str, password_hash: str) -> str:
    """Insert an account as the Django importer does: the stored hash copied as it is."""
    email = f"legacy-{uuid.uuid4().hex[:12]}@example.test"
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into auth.users (email, username, password_hash, password_changed_at)"
            " values (%s, %s, %s, '2019-05-01')",
            (email, email.split("@")[0].replace("-", "_"), password_hash),
        )
    return email


def stored_hash(db_url: str, email: str) -> str:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select password_hash from auth.users where email = %s", (email,)
        ).fetchone()
    assert row is not None
    return str(row[0])


def assert_stored_nowhere(db_url: str, password: str) -> None:
    """Not in any account row, not in the audit log."""
    with psycopg.connect(db_url) as conn:
        in_users = conn.execute(
            "select count(*) from auth.users u where strpos(u::text, %s) > 0", (password,)
        ).fetchone()
        in_audit = conn.execute(
            "select count(*) from audit.log l where strpos(l::text, %s) > 0", (password,)
        ).fetchone()
    assert in_users == (0,)
    assert in_audit == (0,)


def server_log_size() -> int:
    return SERVER_LOG.stat().st_size if SERVER_LOG.exists() else 0


def server_log_since(offset: int) -> str:
    if not SERVER_LOG.exists():
        pytest.skip("an external server: its log is not readable here")
    with SERVER_LOG.open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


def test_a_django_password_logs_in_and_becomes_bcrypt(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    password = secret_password()
    django = django_hash(password, 260_000)
    email = import_account(postgrest.db_url, django)
    log_start = server_log_size()

    wrong = api.post("/rpc/login", json={"email": email, "password": password + "x"})
    assert wrong.status_code == 401, wrong.text
    assert wrong.json()["code"] == "auth.invalid_credentials"
    assert stored_hash(postgrest.db_url, email) == django, "a failed login changed the hash"

    login = api.post("/rpc/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    me = api.get("/rpc/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email

    rehashed = stored_hash(postgrest.db_url, email)
    assert rehashed.startswith("$2a$"), rehashed
    again = api.post("/rpc/login", json={"email": email, "password": password})
    assert again.status_code == 200, again.text

    assert_stored_nowhere(postgrest.db_url, password)
    assert password not in server_log_since(log_start)


def test_django_s_highest_iteration_count_is_not_cut_short(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    """1,000,000 iterations (about 1.3 s here) fit anon's 3 s; api.login carries 8 s for a
    busy machine. Past log_min_duration_statement (1 s) the server logs the statement:
    without its parameters, which hold the request body and so the password."""
    password = secret_password()
    email = import_account(postgrest.db_url, django_hash(password, 1_000_000))
    log_start = server_log_size()
    login = api.post("/rpc/login", json={"email": email, "password": password}, timeout=30)
    assert login.status_code == 200, login.text
    assert stored_hash(postgrest.db_url, email).startswith("$2a$")
    assert password not in server_log_since(log_start)
    with psycopg.connect(postgrest.db_url) as conn:
        assert conn.execute("show log_parameter_max_length").fetchone() == ("0",)


def test_an_unusable_password_answers_as_a_wrong_one(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    unusable = "!" + "".join(secrets.choice(SALT_CHARS) for _ in range(40))
    email = import_account(postgrest.db_url, unusable)
    locked = api.post("/rpc/login", json={"email": email, "password": "any password at all"})
    unknown = api.post(
        "/rpc/login", json={"email": "nobody-" + email, "password": "any password at all"}
    )
    assert locked.status_code == unknown.status_code == 401
    assert locked.json() == unknown.json()
    assert locked.json()["code"] == "auth.invalid_credentials"


def test_ops_list_and_reset_an_account_that_must_reset(
    api: httpx.Client, postgrest: ApiServer, tmp_path: Path
) -> None:
    unusable = "!" + "".join(secrets.choice(SALT_CHARS) for _ in range(40))
    email = import_account(postgrest.db_url, unusable)

    listed = inv("users.reset-required")
    assert listed.returncode == 0, listed.stderr
    assert email in listed.stdout
    assert "inv users.set-password EMAIL" in listed.stdout

    new_password = secret_password()
    password_file = tmp_path / "password"
    password_file.write_text(new_password + "\n")
    log_start = server_log_size()
    done = inv("users.set-password", email, "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    assert new_password not in done.stdout + done.stderr

    login = api.post("/rpc/login", json={"email": email, "password": new_password})
    assert login.status_code == 200, login.text
    assert email not in inv("users.reset-required").stdout
    assert_stored_nowhere(postgrest.db_url, new_password)
    assert new_password not in server_log_since(log_start)


def test_set_password_never_takes_the_password_from_argv(postgrest: ApiServer) -> None:
    """No terminal (stdin is not a tty), no file: refused with what to do; no --password."""
    refused = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "inv"), "--help", "users.set-password"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "--password-file" in refused.stdout
    assert "--password " not in refused.stdout
    assert "--password=" not in refused.stdout
    no_tty = inv("users.set-password", "someone@example.test")
    assert no_tty.returncode == 1
    assert "pass --password-file PATH" in no_tty.stderr
    missing = inv("users.set-password", "someone@example.test", "--password-file", "/nonexistent")
    assert missing.returncode == 1
    assert "no password file" in missing.stderr
