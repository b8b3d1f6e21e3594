"""``inv module.new``: a new module's skeleton deploys, passes its own pgTAP file, is served
by PostgREST from its registration alone, and reverts leaving nothing behind.

Everything happens in a temporary copy of db/ and a fresh empty database: the project's
own plan is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import psycopg
import pytest

from core.errors import OpsError
from ops import database, module_template, sqitch
from ops.catalog_lints import run_lints
from ops.plan import read_plan
from tests import tap
from tests.fix_cluster import HELPERS_SQL, SECRETS, project_path
from tests.fix_postgrest import serving
from tests.test_pgtap import run_pgtap

#: Every object a module could leave behind, and its registrations.
CATALOG = """
select 'namespace ' || nspname from pg_namespace
 where nspname !~ '^pg_(toast_)?temp_'
union all
select 'relation ' || c.oid::regclass::text from pg_class c
 where c.relnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace,
                              'pg_toast'::regnamespace)
   and c.relpersistence <> 't'
union all
select 'function ' || p.oid::regprocedure::text from pg_proc p
 where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
union all
select 'policy ' || polname || ' on ' || polrelid::regclass::text from pg_policy
union all
select 'trigger ' || tgname || ' on ' || tgrelid::regclass::text from pg_trigger
union all
select 'module ' || name from platform.modules
union all
select 'api function ' || signature from platform.api_functions
"""


def catalog(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(row[0]) for row in conn.execute(CATALOG).fetchall()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of db/ (the plan, the scripts, the templates) to add a module to."""
    root = tmp_path / "db"
    shutil.copytree(project_path("db"), root)
    return root


def test_a_new_module_deploys_is_served_passes_its_tests_and_reverts_cleanly(
    project: Path, tmp_path: Path, empty_db: str
) -> None:
    # name@HEAD: the newest instance, unambiguous when the change was reworked.
    last_core_change = read_plan(project)[-1].name + "@HEAD"
    # The next free hundred after every module's pgTAP files (core 0xx, publishing 1xx, ...).
    taken = [int(f.name[:3]) for f in project.glob("tests/*/[0-9][0-9][0-9]-*.sql")]
    number = (max(taken) // 100 + 1) * 100
    created = module_template.create("example", project, tmp_path / "docs" / "modules")
    plan = [change.name for change in read_plan(project)]
    assert plan[-4:] == list(created.changes), "the module's changes are appended to the plan"
    test_file = created.test_file.relative_to(project).as_posix()
    assert test_file == f"tests/example/{number}-example.sql", "the next free hundred"
    assert "# The example module" in created.doc_file.read_text()
    for path in created.files:
        assert "[%" not in path.read_text(), f"{path.name} has an unfilled placeholder"

    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("create extension pgtap")
    sqitch.deploy(empty_db, to=last_core_change, project_dir=project, echo=False)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(HELPERS_SQL.read_text())
    before = catalog(empty_db)

    sqitch.deploy(empty_db, project_dir=project, echo=False)  # verify scripts run too
    database.configure(empty_db, SECRETS)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        exposed = conn.execute("select platform.exposed_schemas()").fetchone()
        conn.execute("select api.register('ex@example.test', 'correct horse battery', 'ex_user')")
    assert exposed is not None
    assert exposed[0][-1] == "example", "PostgREST would expose example, last"

    code, output = run_pgtap(created.test_file, empty_db.rsplit("/", 1)[1])
    report = tap.parse(output)
    problems = report.problems() + ([f"psql exited with {code}"] if code else [])
    assert not problems, output[-3000:]
    assert "ok 14 - the insert became a change event" in output
    lints = run_lints(empty_db)
    assert lints.ok, "the new module fails the catalog lints:\n" + "\n".join(lints.lines())

    with (
        serving(empty_db, "postgrest-module") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        profile = {"Accept-Profile": "example"}
        anonymous = client.get("/items", headers=profile)
        assert anonymous.status_code == 401, anonymous.text
        assert anonymous.json()["code"] == "42501", "anonymous callers have no grant on items"
        token = client.post(
            "/rpc/login", json={"email": "ex@example.test", "password": "correct horse battery"}
        ).json()["access_token"]
        signed_in = client.get("/items", headers={**profile, "Authorization": f"Bearer {token}"})
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json() == []

    sqitch.revert(empty_db, to=last_core_change, project_dir=project, echo=False)
    left = catalog(empty_db) - before
    assert left == set(), f"the revert left {sorted(left)}"
    assert before - catalog(empty_db) == set(), "the revert dropped nothing it did not create"


def test_module_new_refuses_bad_and_taken_names(project: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    plan_before = (project / "sqitch.plan").read_text()
    for bad in ("Example", "1st", "x", "has-dash", "a" * 31):
        with pytest.raises(OpsError, match="is not a module name"):
            module_template.create(bad, project, docs)
    for reserved in ("auth", "platform", "pg_things", "notes_private", "core"):
        with pytest.raises(OpsError, match="reserved"):
            module_template.create(reserved, project, docs)
    with pytest.raises(OpsError, match="exists already") as taken:
        module_template.create("publishing", project, docs)
    assert "sqitch -C db add schema/publishing/" in taken.value.hint
    assert (project / "sqitch.plan").read_text() == plan_before, "a refusal writes nothing"
    assert not docs.exists()


def test_inv_module_new_says_what_to_do_with_a_bad_name() -> None:
    result = subprocess.run(
        [str(project_path(".venv", "bin", "inv")), "module.new", "Bad-Name"],
        capture_output=True, text=True, cwd=project_path(), check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "is not a module name" in result.stderr
    assert "inv module.new journal" in result.stderr
