"""The Sqitch plan as DBAs use it: every change complete, and deploy -> revert -> deploy clean."""

from __future__ import annotations

import re

import psycopg
import pytest

from core.paths import PROJECT_ROOT
from ops import database, sqitch
from ops.backups import checksums
from ops.plan import change_ids, read_plan
from ops.seed import SeedOptions, seed
from tests.fix_cluster import SECRETS

DB_DIR = PROJECT_ROOT / "db"
PLATFORM_SCHEMAS = {"api", "auth", "audit", "events", "platform", "extensions"}


def plan_changes() -> list[str]:
    return [change.name for change in read_plan()]


@pytest.mark.parametrize("change", plan_changes())
def test_every_change_has_deploy_revert_and_verify(change: str) -> None:
    deploy = DB_DIR / f"{change}.sql"
    revert = DB_DIR / "revert" / f"{change}.sql"
    verify = DB_DIR / "verify" / f"{change}.sql"
    for script in (deploy, revert, verify):
        assert script.is_file(), f"{script.relative_to(PROJECT_ROOT)} is missing"
    assert change.split("/")[0] in {"schema", "rls", "functions"}
    text = deploy.read_text()
    if re.search(r"^create index concurrently ", text, re.M | re.I):
        # CONCURRENTLY cannot run in a transaction (db/templates/*/concurrent-index.tmpl).
        assert not re.search(r"^begin;", text, re.M), "a concurrent build runs outside one"
    else:
        assert re.search(r"^begin;", text, re.M)
        assert re.search(r"^commit;", text, re.M)
    assert re.search(r"^rollback;", verify.read_text(), re.M), "verify scripts must roll back"


def schemas(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(r[0]) for r in conn.execute("select nspname from pg_namespace").fetchall()}


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
    changes = read_plan()
    sqitch.deploy(empty_db, echo=False)
    middle = changes[len(changes) // 2]
    sqitch.revert(empty_db, to=middle.ref, echo=False)
    status = sqitch.status(empty_db, echo=False)
    assert middle.name in status
    sqitch.deploy(empty_db, echo=False)
    assert changes[-1].name in sqitch.status(empty_db, echo=False)


def test_plan_notes_are_sentences() -> None:
    for line in (DB_DIR / "sqitch.plan").read_text().splitlines():
        if line and not line.startswith(("%", "#")):
            note = line.partition(" # ")[2]
            assert note.endswith("."), f"plan note should be a sentence: {line}"


def table_checksums(url: str, skip_jobs: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every table's rows and checksum (`ops.backups.checksums`) but Sqitch's registry,
    with platform.jobs read without the schedule rows of ``skip_jobs``."""
    sums = {
        name: f"{total.rows}:{total.checksum}"
        for name, total in checksums.table_sums(url).items()
        if not name.startswith("sqitch.")
    }
    if "platform.jobs" in sums:
        with psycopg.connect(url) as conn:
            jobs = conn.execute(
                "select j::text from platform.jobs j where name <> all(%s) order by name",
                (list(skip_jobs),),
            ).fetchall()
        sums["platform.jobs"] = repr(jobs)
    return sums


def test_each_change_reverts_and_redeploys_on_data_and_functions_and_policies_keep_it(
    empty_db: str,
) -> None:
    """Walk down the plan on a seeded database: revert each change, deploy it again
    (with verify), revert it again. A `functions/` or `rls/` change holds no data, so
    its revert and redeploy must leave every table exactly as it was; a `schema/`
    change must revert and redeploy cleanly with data present (its own rows go)."""
    changes = read_plan()
    # Targets by id: a reworked change's name is in the plan twice, and `name@tag` resolves
    # in the registry only once that tag is deployed.
    ids = change_ids()
    assert len(ids) == len(changes)
    schedules = re.compile(r"platform\.schedule_job\('([^']+)'")
    sqitch.deploy(empty_db, echo=False)
    database.configure(empty_db, SECRETS)
    seed(empty_db, SeedOptions(articles=40, users=8, comments_per_article=2, seed=5), print)
    seeded = table_checksums(empty_db)
    assert sum(int(v.split(":")[0]) for t, v in seeded.items() if t != "platform.jobs") > 200, (
        "the tables hold data"
    )
    emptied: list[str] = []
    for index in reversed(range(len(changes))):
        change = changes[index].name
        # The jobs a change schedules are its own rows: unscheduled by its revert (their
        # run history goes with them), scheduled anew by its deploy.
        own_jobs = frozenset(schedules.findall(changes[index].deploy_script.read_text()))
        before = table_checksums(empty_db, own_jobs)
        if index:
            sqitch.rebase(empty_db, onto=ids[index - 1], upto=ids[index], echo=False)
        else:
            sqitch.revert(empty_db, echo=False)
            sqitch.deploy(empty_db, to=ids[index], echo=False)
        after = table_checksums(empty_db, own_jobs)
        assert set(after) == set(before), f"{change}: redeploy restores the same tables"
        changed = sorted(t for t in before if after[t] != before[t])
        if change.startswith(("functions/", "rls/")):
            assert changed == [], f"{change} holds no data, yet its redeploy changed {changed}"
        else:
            emptied += [f"{change}: {t}" for t in changed]
        if index:
            sqitch.revert(empty_db, to=ids[index - 1], echo=False)
        else:
            sqitch.revert(empty_db, echo=False)
    assert emptied, "reverting a schema/ change drops its tables' rows: the walk saw data go"
    sqitch.deploy(empty_db, echo=False)
    database.configure(empty_db, SECRETS)  # schema/core/roles went and came back
    print("\n".join(emptied))
