"""``inv db.lint``: squawk on every deploy script, waivers that must say why, and the
concurrent-index template that large tables need (deployed for real)."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import psycopg
import pytest

from ops import plan, sqitch
from ops.lint import WAIVERS_FILE, lint
from tests.fix_cluster import project_path

TEMPLATES = project_path("db", "templates")


def test_every_deploy_script_of_the_plan_passes_the_lint() -> None:
    report = lint()
    assert report.changes == len(plan.read_plan())
    shown = "\n".join([*map(str, report.violations), *report.problems])
    assert report.ok, f"db.lint fails:\n{shown}"


def test_the_lint_runs_from_inv_and_says_what_it_checked() -> None:
    result = subprocess.run(
        [str(project_path(".venv", "bin", "inv")), "db.lint"],
        capture_output=True, text=True, cwd=project_path(), check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(plan.read_plan())} changes: 0 findings" in result.stdout


# --- the rules on a scratch project ---------------------------------------------------


def add(project: Path, change: str, template: str = "pg", **variables: str) -> None:
    """``sqitch add`` with the project's own templates, as a DBA adds a change."""
    sets = [arg for name, value in variables.items() for arg in ("--set", f"{name}={value}")]
    subprocess.run(
        ["sqitch", "--chdir", str(project), "add", change, "-t", template,
         "--template-directory", str(TEMPLATES), *sets, "-n", f"Add {change}."],
        check=True, capture_output=True, env=sqitch.environment("postgresql://x@localhost/x"),
    )  # fmt: skip


def fill(project: Path, change: str, sql: str) -> None:
    """Put ``sql`` where the template's placeholder comments are."""
    script = project / f"{change}.sql"
    text = script.read_text()
    marker = "-- create ... ;"
    assert marker in text, "the deploy template has a place for the change's SQL"
    script.write_text(text.replace(marker, textwrap.dedent(sql).strip()))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A Sqitch project laid out like db/: one table, and an index built concurrently."""
    root = tmp_path / "db"
    root.mkdir()
    shutil.copy(project_path("db", "sqitch.conf"), root / "sqitch.conf")
    (root / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=lintdemo\n\n")
    add(root, "schema/things")
    fill(
        root, "schema/things",
        "create table public.things (id bigint generated always as identity primary key,"
        " name text not null, size int not null);",
    )  # fmt: skip
    (root / "revert" / "schema" / "things.sql").write_text(
        "begin;\ndrop table public.things;\ncommit;\n"
    )
    (root / "verify" / "schema" / "things.sql").write_text(
        "begin;\nselect id, name, size from public.things where false;\nrollback;\n"
    )
    index = {"schema": "public", "name": "things_name_idx", "table": "public.things"}
    add(root, "schema/things_name_idx", "concurrent-index", **index, columns="(name)")
    return root


def rules(project: Path) -> list[tuple[str, str]]:
    return sorted((f.change, f.rule) for f in lint(project).violations)


def test_a_finding_fails_until_a_waiver_with_a_reason_names_its_rule(project: Path) -> None:
    assert rules(project) == [("schema/things", "prefer-bigint-over-int")], (
        "the templates' timeouts and the concurrent index pass; the int column does not"
    )
    waivers = project / WAIVERS_FILE
    waivers.write_text('[waivers."schema/things"]\nrules = ["prefer-bigint-over-int"]\n')
    with pytest.raises(Exception, match="has no `reason`"):
        lint(project)
    waivers.write_text(
        '[waivers."schema/things"]\nrules = ["prefer-bigint-over-int"]\n'
        'reason = "size is a small count"\n'
    )
    report = lint(project)
    assert report.ok
    assert [(f.change, f.rule) for f in report.waived] == [
        ("schema/things", "prefer-bigint-over-int")
    ]


def test_a_stale_waiver_or_one_for_an_unknown_change_fails(project: Path) -> None:
    (project / WAIVERS_FILE).write_text(
        '[waivers."schema/things"]\nrules = ["prefer-bigint-over-int", "ban-drop-table"]\n'
        'reason = "size is a small count"\n\n'
        '[waivers."schema/gone"]\nrules = ["ban-drop-table"]\nreason = "old"\n'
    )
    report = lint(project)
    assert not report.ok
    assert any("schema/things waives ban-drop-table, which no longer fires" in p
               for p in report.problems)  # fmt: skip
    assert any("'schema/gone', which is not in the plan" in p for p in report.problems)


def test_an_inline_ignore_counts_only_under_a_comment_saying_why(project: Path) -> None:
    script = project / "schema" / "things.sql"
    text = script.read_text()
    bare = text.replace("create table", "-- squawk-ignore prefer-bigint-over-int\ncreate table")
    script.write_text(bare)
    report = lint(project)
    assert report.violations == [], "squawk honours its own ignore comment"
    assert any("squawk-ignore without a comment line above" in p for p in report.problems)
    script.write_text(
        text.replace(
            "create table",
            "-- size is a small count.\n-- squawk-ignore prefer-bigint-over-int\ncreate table",
        )
    )
    assert lint(project).ok


def test_a_change_without_its_verify_script_fails(project: Path) -> None:
    (project / "verify" / "schema" / "things_name_idx.sql").unlink()
    assert any("no db/verify" in p or "verify/schema/things_name_idx.sql" in p
               for p in lint(project).problems)  # fmt: skip


def test_the_concurrent_index_template_deploys_verifies_and_reverts(
    project: Path, empty_db: str
) -> None:
    sqitch.deploy(empty_db, to="schema/things", project_dir=project, echo=False)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(
            "insert into public.things (name, size)"
            " select 'n' || g, g from generate_series(1, 5000) g"
        )
        # A build that failed half-way left an invalid index of that name behind.
        conn.execute("create index things_name_idx on public.things (size)")
        conn.execute(
            "update pg_index set indisvalid = false"
            " where indexrelid = 'public.things_name_idx'::regclass"
        )
    assert [c.name for c in plan.pending(empty_db, project_dir=project)] == [
        "schema/things_name_idx"
    ]
    output = sqitch.deploy(empty_db, project_dir=project, echo=False)
    assert "schema/things_name_idx .. ok" in output
    with psycopg.connect(empty_db) as conn:
        row = conn.execute(
            "select indisvalid, pg_get_indexdef(indexrelid) from pg_index"
            " where indexrelid = 'public.things_name_idx'::regclass"
        ).fetchone()
    assert row is not None
    assert row[0], "the index is valid"
    assert "(name)" in str(row[1]), "the leftover was dropped and the index built anew"
    assert plan.pending(empty_db, project_dir=project) == []
    sqitch.revert(empty_db, to="schema/things", project_dir=project, echo=False)
    with psycopg.connect(empty_db) as conn:
        gone = conn.execute("select to_regclass('public.things_name_idx')").fetchone()
    assert gone == (None,)


# --- reworks, not redefinitions ------------------------------------------------------


def sqitch_in(project: Path, *args: str) -> None:
    subprocess.run(
        ["sqitch", "--chdir", str(project), *args],
        check=True, capture_output=True, env=sqitch.environment("postgresql://x@localhost/x"),
    )  # fmt: skip


SIZE_OF = "create function public.size_of(t public.things) returns bigint language sql as $$ {} $$;"


def test_a_function_changed_by_another_change_fails_until_it_is_a_rework(
    project: Path, empty_db: str
) -> None:
    add(project, "functions/size_of")
    fill(project, "functions/size_of", SIZE_OF.format("select t.size"))
    (project / "revert" / "functions" / "size_of.sql").write_text(
        "begin;\ndrop function public.size_of(public.things);\ncommit;\n"
    )
    assert lint(project).problems == []
    sqitch_in(project, "tag", "v1", "-n", "Release v1.")

    # A "fix" change that redefines the function another change owns is refused...
    add(project, "functions/size_of_fix")
    redefined = SIZE_OF.format("select t.size * 2")
    fill(project, "functions/size_of_fix", redefined.replace("create", "create or replace", 1))
    problems = lint(project).problems
    refused = "functions/size_of_fix: `create or replace function public.size_of` redefines"
    hint = "sqitch rework functions/size_of"
    assert any(refused in p and hint in p for p in problems), problems

    # ...a rework of the owning change is not: its revert is the previous deploy script.
    plan_file = project / "sqitch.plan"
    kept = plan_file.read_text().splitlines(keepends=True)
    plan_file.write_text("".join(ln for ln in kept if not ln.startswith("functions/size_of_fix")))
    for kind in (".", "revert", "verify"):
        (project / kind / "functions" / "size_of_fix.sql").unlink()
    sqitch_in(project, "rework", "functions/size_of", "-n", "Twice the size.")
    deploy = project / "functions" / "size_of.sql"
    rework = deploy.read_text().replace("select t.size", "select t.size * 2")
    deploy.write_text(rework.replace("create function", "create or replace function"))
    assert (project / "functions" / "size_of@v1.sql").exists()
    assert (project / "revert" / "functions" / "size_of.sql").read_text() == (
        project / "functions" / "size_of@v1.sql"
    ).read_text(), "sqitch rework makes the previous deploy script the revert"
    # The copy replaces the rework's body, so it says `or replace` (docs/net-schema.md).
    revert = project / "revert" / "functions" / "size_of.sql"
    revert.write_text(revert.read_text().replace("create function", "create or replace function"))
    report = lint(project)
    assert not [p for p in report.problems if "redefines" in p], report.problems

    sqitch.deploy(empty_db, project_dir=project, echo=False)
    size = "select public.size_of(row(1, 'a', 21)::public.things)"
    with psycopg.connect(empty_db) as conn:
        assert conn.execute(size).fetchone() == (42,)
    sqitch.revert(empty_db, to="@v1", project_dir=project, echo=False)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute(size).fetchone() == (21,), "the revert restored v1's body"


def test_dropping_and_creating_another_changes_function_is_a_redefinition(project: Path) -> None:
    add(project, "functions/size_of")
    fill(project, "functions/size_of", SIZE_OF.format("select t.size"))
    add(project, "functions/size_of_again")
    fill(
        project,
        "functions/size_of_again",
        "drop function public.size_of(public.things);\n" + SIZE_OF.format("select 0::bigint"),
    )
    problems = lint(project).problems
    refused = "functions/size_of_again: `drop and create function public.size_of` redefines"
    assert any(refused in p for p in problems), problems
