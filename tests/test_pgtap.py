"""Every pgTAP file under db/tests/<module>/ is one pytest item, run in a fresh template clone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from core.paths import PROJECT_ROOT
from ops.cluster import PG_BIN_DIR
from tests import tap
from tests.fix_cluster import HELPERS_FILE_NAME, SERVER, helper_files

PGTAP_DIR = PROJECT_ROOT / "db" / "tests"
PSQL = str(PG_BIN_DIR / "psql")


def run_pgtap(path: Path, dbname: str) -> tuple[int, str]:
    """Run one file with psql exactly as pg_prove would; return psql's exit code and output."""
    env = {
        **os.environ,
        "PGPASSWORD": SERVER.password,
        "PGOPTIONS": "--client-min-messages=warning",
    }
    completed = subprocess.run(
        [
            PSQL,
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            SERVER.host,
            "-p",
            str(SERVER.port),
            "-U",
            SERVER.user,
            "-d",
            dbname,
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


#: Every module's pgTAP files (db/tests/<module>/NNN-*.sql); the fixtures load the helpers
#: (db/tests/helpers/ and each module's helpers.sql) into the template instead.
PGTAP_FILES = sorted(
    p
    for p in PGTAP_DIR.rglob("*.sql")
    if p.parent.name != "helpers" and p.name != HELPERS_FILE_NAME
)


@pytest.mark.parametrize("path", PGTAP_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pgtap(path: Path, platform_db: psycopg.Connection[tuple[object, ...]]) -> None:
    code, output = run_pgtap(path, platform_db.info.dbname)
    report = tap.parse(output)
    problems = report.problems()
    if code != 0:
        problems.append(f"psql exited with {code}:\n{output[-2000:]}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_a_failing_assertion_is_reported_by_its_description(
    platform_db: psycopg.Connection[tuple[object, ...]], tmp_path: Path
) -> None:
    script = tmp_path / "failing.sql"
    script.write_text(
        "begin; select plan(2);\n"
        "select ok(true, 'this one passes');\n"
        "select is(1 + 1, 3, 'arithmetic is what the test claims');\n"
        "select * from finish(); rollback;\n"
    )
    _, output = run_pgtap(script, platform_db.info.dbname)
    report = tap.parse(output)
    assert [a.description for a in report.failures] == ["arithmetic is what the test claims"]
    assert any("want: 3" in d for d in report.failures[0].diagnostics)
    assert report.problems()[0].startswith("not ok 2 - arithmetic is what the test claims")


def test_module_helpers_are_loaded_after_the_core_helpers() -> None:
    files = helper_files()
    assert files[0].parent.name == "helpers"
    assert PGTAP_DIR / "publishing" / HELPERS_FILE_NAME in files[1:]
    assert not set(files) & set(PGTAP_FILES)
