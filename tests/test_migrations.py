"""The Sqitch plan as DBAs use it: every change complete, and deploy -> revert -> deploy clean."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from gateway.settings import PROJECT_ROOT
from ops import database, sqitch
from tests.fix_cluster import SECRETS, SERVER, PgServer

DB_DIR = PROJECT_ROOT / "db"
PLATFORM_SCHEMAS = {"api", "auth", "audit", "events", "platform", "extensions"}


def plan_changes() -> list[str]:
    changes = []
    for line in (DB_DIR / "sqitch.plan").read_text().splitlines():
        if line and not line.startswith(("%", "#", "@")):
            changes.append(line.split()[0])
    return changes


@pytest.mark.parametrize("change", plan_changes())
def test_every_change_has_deploy_revert_and_verify(change: str) -> None:
    deploy = DB_DIR / f"{change}.sql"
    revert = DB_DIR / "revert" / f"{change}.sql"
    verify = DB_DIR / "verify" / f"{change}.sql"
    for script in (deploy, revert, verify):
        assert script.is_file(), f"{script.relative_to(PROJECT_ROOT)} is missing"
    assert change.split("/")[0] in {"schema", "rls", "functions"}
    assert re.search(r"^begin;", deploy.read_text(), re.M)
    assert re.search(r"^commit;", deploy.read_text(), re.M)
    assert re.search(r"^rollback;", verify.read_text(), re.M), "verify scripts must roll back"


def schemas(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(r[0]) for r in conn.execute("select nspname from pg_namespace").fetchall()}


@pytest.fixture
def empty_db(pg_server: PgServer) -> Iterator[str]:
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = SERVER.url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield SERVER.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def test_the_whole_plan_deploys_reverts_completely_and_deploys_again(empty_db: str) -> None:
    sqitch.deploy(empty_db, echo=False)
    database.configure(empty_db, SECRETS)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("select api.register('keep@example.test', 'correct horse battery', 'keeper')")
    assert schemas(empty_db) >= PLATFORM_SCHEMAS

    sqitch.revert(empty_db, echo=False)
    left = schemas(empty_db) & PLATFORM_SCHEMAS
    assert left == set(), f"revert left {left} behind"
    with psycopg.connect(empty_db) as conn:
        functions = conn.execute(
            "select count(*) from pg_proc where pronamespace = 'public'::regnamespace"
        ).fetchone()
        assert functions == (0,)

    sqitch.deploy(empty_db, echo=False)
    sqitch.verify(empty_db, echo=False)
    assert schemas(empty_db) >= PLATFORM_SCHEMAS
    # The full revert dropped the cluster-wide login roles no other database held
    # (authenticator) and the deploy recreated them without a password: set it again, as
    # `inv db.reset` does, or the session's PostgREST cannot reconnect.
    database.configure(empty_db, SECRETS)


def test_revert_to_a_change_and_redeploy(empty_db: str) -> None:
    changes = plan_changes()
    sqitch.deploy(empty_db, echo=False)
    middle = changes[len(changes) // 2]
    sqitch.revert(empty_db, to=middle, echo=False)
    status = sqitch.status(empty_db, echo=False)
    assert middle in status
    sqitch.deploy(empty_db, echo=False)
    assert changes[-1] in sqitch.status(empty_db, echo=False)


def test_plan_notes_are_sentences() -> None:
    for line in (DB_DIR / "sqitch.plan").read_text().splitlines():
        if line and not line.startswith(("%", "#")):
            note = line.partition(" # ")[2]
            assert note.endswith("."), f"plan note should be a sentence: {line}"
