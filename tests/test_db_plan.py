"""``inv db.plan`` and ``inv db.deploy --dry-run``: what a deploy would run, before it runs."""

from __future__ import annotations

from urllib.parse import urlsplit

from ops import plan, sqitch
from tests.test_ops_tasks import inv


def test_db_plan_lists_the_pending_changes_in_order_with_their_sql(empty_db: str) -> None:
    changes = plan.read_plan()
    sqitch.deploy(empty_db, to=changes[-4].ref, echo=False)
    name = urlsplit(empty_db).path.lstrip("/")

    shown = inv("db.plan", db_name=name)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    waiting = [c.name for c in changes[-3:]]
    assert f"3 change(s) to deploy on {sqitch.target(empty_db)}" in out
    listing = out.partition("\n-- ====")[0]  # the SQL follows the list
    listed = [line.split()[0] for line in listing.splitlines() if line.startswith("  ") and
              not line.startswith("   ")]  # fmt: skip
    assert listed == waiting, "the pending changes, in deploy order, and no deployed one"
    for change in changes[-3:]:
        assert change.deploy_script.read_text().strip() in out, f"the SQL of {change.name}"

    # the line's unambiguous name: the plan may end with reworks (name@HEAD)
    first = inv("db.plan", "--no-sql", "--to", changes[-3].ref, db_name=name)
    assert "1 change(s) to deploy" in first.stdout
    assert "begin;" not in first.stdout, "--no-sql lists the changes only"

    dry = inv("db.deploy", "--dry-run", db_name=name)
    assert dry.returncode == 0, dry.stderr
    assert "dry run: nothing was deployed" in dry.stdout
    assert [c.name for c in plan.pending(empty_db)] == waiting, "nothing ran"


def test_db_plan_refuses_a_target_that_is_not_in_the_plan(empty_db: str) -> None:
    refused = inv("db.plan", "--to", "schema/nope", db_name=urlsplit(empty_db).path.lstrip("/"))
    assert refused.returncode == 1
    assert "'schema/nope' is neither a change nor a tag" in refused.stderr
    assert "next:" in refused.stderr


def test_a_tag_stands_for_every_change_before_it(empty_db: str) -> None:
    changes = plan.read_plan()
    core = [c.name for c in changes if c.tag == "core-1.0"]
    assert core, "the plan has a core-1.0 tag"
    assert [c.name for c in plan.pending(empty_db, to="@core-1.0")] == core
