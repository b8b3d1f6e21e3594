"""The ops tasks as an operator runs them: `inv --list`, `inv users.*`, readable failures."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Mapping

import httpx
import jwt
import psycopg

from core.paths import PROJECT_ROOT
from tests.fix_cluster import SETTINGS, TEST_DATA_DIR, TEST_PG_PORT, project_path
from tests.fix_postgrest import API_DB, ApiServer

INV = str(PROJECT_ROOT / ".venv" / "bin" / "inv")


def inv(
    *args: str, db_name: str = API_DB, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``inv ARGS`` against the test server's database ``db_name``."""
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(TEST_DATA_DIR),
        "PLATFORM_PG_PORT": str(TEST_PG_PORT),
        "PLATFORM_DB_NAME": db_name,
        **(extra_env or {}),
    }
    if SETTINGS.database_url is not None:
        env["DATABASE_URL"] = SETTINGS.database_url.rsplit("/", 1)[0] + "/" + db_name
    return subprocess.run(
        [INV, *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # no task waits for a terminal in tests
        capture_output=True,
        text=True,
        check=False,
    )


def test_inv_list_reads_like_a_manual() -> None:
    listing = inv("--list").stdout
    for name in (
        "up",
        "down",
        "status",
        "logs",
        "test",
        "db.deploy",
        "db.lint",
        "db.plan",
        "db.revert",
        "db.verify",
        "db.status",
        "db.log",
        "db.shell",
        "db.reset",
        "users.create",
        "users.grant",
        "users.grant-scope",
        "users.revoke-scope",
        "module.new",
        "jobs.list",
        "jobs.run",
        "monitor.report",
    ):
        line = next((ln for ln in listing.splitlines() if ln.split()[:1] == [name]), None)
        assert line is not None, f"inv --list lacks {name}"
        assert len(line.split(maxsplit=1)) == 2, f"{name} has no one-line help"


def test_operators_create_an_admin_and_grant_privileges(postgrest: ApiServer) -> None:
    email = f"ops-{uuid.uuid4().hex[:10]}@example.test"
    created = inv("users.create", email, "--privilege", "author")
    assert created.returncode == 0, created.stderr
    password = created.stdout.split("store it now): ")[1].strip()

    granted = inv("users.grant", email, "admin")
    assert granted.returncode == 0, granted.stderr

    token = httpx.post(
        postgrest.url + "/rpc/login", json={"email": email, "password": password}
    ).json()["access_token"]
    claims = jwt.decode(token, postgrest.jwt_secret, algorithms=["HS256"])
    assert {"admin", "editor", "moderator", "author", "reader"} == set(claims["privileges"])


def test_operators_grant_and_revoke_a_role_on_a_group(postgrest: ApiServer) -> None:
    email = f"ops-{uuid.uuid4().hex[:10]}@example.test"
    assert inv("users.create", email).returncode == 0

    granted = inv("users.grant-scope", email, "team", "7", "admin")
    assert granted.returncode == 0, granted.stderr
    assert f"granted admin on team 7 to {email}" in granted.stdout
    again = inv("users.grant-scope", email, "team", "7", "admin")
    assert "already held" in again.stdout
    with psycopg.connect(postgrest.db_url) as conn:
        held = conn.execute(
            "select s.scope_kind, s.scope_id, s.role from auth.scoped_roles s"
            " join auth.users u on u.id = s.user_id where u.email = %s",
            (email,),
        ).fetchall()
    assert held == [("team", 7, "admin")]

    revoked = inv("users.revoke-scope", email, "team", "7", "admin")
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked admin on team 7 from {email}" in revoked.stdout
    with psycopg.connect(postgrest.db_url) as conn:
        left = conn.execute(
            "select count(*) from auth.scoped_roles s join auth.users u on u.id = s.user_id"
            " where u.email = %s",
            (email,),
        ).fetchone()
    assert left == (0,)

    bad = inv("users.grant-scope", email, "Team!", "7", "admin")
    assert bad.returncode == 1
    assert "scope_kind" in bad.stderr


def test_task_failures_say_what_went_wrong_and_what_to_do(postgrest: ApiServer) -> None:
    unknown = inv("users.grant", "nobody-at-all@example.test", "editor")
    assert unknown.returncode == 1
    assert "email does not belong to any account" in unknown.stderr
    assert "inv users.create" in unknown.stderr

    bad = inv("users.grant", "nobody-at-all@example.test", "overlord")
    assert bad.returncode == 1

    refused = inv("db.revert")
    assert refused.returncode != 0
    assert "--yes" in refused.stdout + refused.stderr


def test_readme_lists_every_task_inv_offers() -> None:
    """README's task list is `inv --list` as it is: a task added or renamed shows there."""
    offered = {
        line.split()[0]
        for line in inv("--list").stdout.splitlines()[2:]
        if line.startswith("  ") and not line.startswith("   ")
    }
    readme = project_path("README.md").read_text()
    block = readme.split("`inv --list`", 1)[1].split("```\n", 2)[1]
    listed = {
        line.split()[0]
        for line in block.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    }
    assert offered, "inv --list printed no task"
    assert listed == offered, (
        f"README lacks {sorted(offered - listed)}, lists gone {sorted(listed - offered)}"
    )
