"""Catalog lints (``db/lints/*.sql``): the deployed platform passes every one of them,
and each lint fires on its fixture (``db/lints/fire/<name>.sql``), in a fresh clone."""

from __future__ import annotations

import os
import re
import subprocess

import psycopg
import pytest

from ops.catalog_lints import LINTS_DIR, Lint, load_lints, query, run_lints
from tests.fix_cluster import SERVER, project_path

LINTS = load_lints()
FIRE_DIR = LINTS_DIR / "fire"
_EXPECT = re.compile(r"^-- expect: (.+)$", re.MULTILINE)

Conn = psycopg.Connection[tuple[object, ...]]


def url_of(conn: Conn) -> str:
    return SERVER.url(conn.info.dbname)


def findings_of(conn: Conn, lint: Lint) -> set[str]:
    """The objects one lint reports, right now, in the clone."""
    with psycopg.connect(url_of(conn)) as lint_conn:
        lint_conn.execute("set local search_path = ''")
        return {finding.object for finding in query(lint_conn, lint)}


def test_every_lint_says_what_why_and_how_to_fix_and_has_a_fixture() -> None:
    assert len(LINTS) >= 18
    assert [lint.number for lint in LINTS] == sorted({lint.number for lint in LINTS})
    for lint in LINTS:
        assert lint.header.startswith(f"Lint {lint.name}: "), lint.path.name
        assert lint.fix, f"{lint.path.name}: the Fix: paragraph is empty"
        assert (FIRE_DIR / f"{lint.name}.sql").is_file(), f"no fixture fire/{lint.name}.sql"
    fixtures = {path.stem for path in FIRE_DIR.glob("*.sql")}
    assert fixtures == {lint.name for lint in LINTS}, "a fixture for a lint that is gone"


def test_docs_lints_lists_every_lint() -> None:
    text = project_path("docs", "lints.md").read_text()
    missing = [lint.name for lint in LINTS if f"| `{lint.name}` |" not in text]
    assert not missing, f"docs/lints.md has no row for {missing}"


def test_the_deployed_platform_passes_every_lint(platform_db: Conn) -> None:
    report = run_lints(url_of(platform_db), LINTS)
    assert report.ok, "catalog lints fail:\n" + "\n".join(report.lines())
    # Every exception a module declares is used, and says which module and why.
    assert {f.lint for f in report.excepted} <= {lint.name for lint in LINTS}


@pytest.mark.parametrize("lint", LINTS, ids=lambda lint: lint.name)
def test_the_lint_reports_exactly_the_object_its_fixture_breaks(
    lint: Lint, platform_db: Conn
) -> None:
    fixture = (FIRE_DIR / f"{lint.name}.sql").read_text()
    expected = set(_EXPECT.findall(fixture))
    assert expected, f"fire/{lint.name}.sql names no `-- expect:` object"
    before = findings_of(platform_db, lint)
    with psycopg.connect(url_of(platform_db), autocommit=True) as conn:
        conn.execute(fixture.encode())
    try:
        assert findings_of(platform_db, lint) - before == expected
    finally:
        with psycopg.connect(url_of(platform_db), autocommit=True) as conn:
            # Cluster-wide changes a fixture makes must not leak into the next clone.
            conn.execute("alter role authenticator noinherit")
            conn.execute("alter role authenticator reset pgrst.jwt_secret")


def test_exceptions_silence_a_finding_and_fail_once_stale(platform_db: Conn) -> None:
    with psycopg.connect(url_of(platform_db), autocommit=True) as conn:
        conn.execute("create table platform.lint_plain (id bigint primary key)")
        failing = run_lints(url_of(platform_db), LINTS)
        assert [str(f) for f in failing.findings] == [
            "rls_disabled: platform.lint_plain: row-level security is disabled"
        ]
        assert "fix: `alter table <table> enable row level security;`" in failing.lines()[0]
        conn.execute(
            "select platform.declare_lint_exception('core', 'rls_disabled', 'platform.lint_plain',"
            " 'a test: the table holds nothing')"
        )
        excepted = run_lints(url_of(platform_db), LINTS)
        assert excepted.ok
        assert "platform.lint_plain" in {f.object for f in excepted.excepted}
        conn.execute("alter table platform.lint_plain enable row level security")
        stale = run_lints(url_of(platform_db), LINTS)
        assert not stale.ok
        assert [e.object for e in stale.stale] == ["platform.lint_plain"]
        assert "stale exception rls_disabled: platform.lint_plain" in stale.lines()[0]


def test_inv_db_lints_prints_each_finding_with_its_fix(platform_db: Conn) -> None:
    def inv() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(project_path(".venv", "bin", "inv")), "db.lints"],
            capture_output=True, text=True, cwd=project_path(), check=False,
            env={**os.environ, "DATABASE_URL": url_of(platform_db)},
        )  # fmt: skip

    clean = inv()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"{len(LINTS)} lints: 0 findings" in clean.stdout
    with psycopg.connect(url_of(platform_db), autocommit=True) as conn:
        conn.execute("create table platform.lint_plain (id bigint primary key)")
    failing = inv()
    assert failing.returncode == 1
    assert "rls_disabled: platform.lint_plain: row-level security is disabled" in failing.stdout
    assert "fix: `alter table <table> enable row level security;`" in failing.stdout
