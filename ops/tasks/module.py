"""Modules: ``inv module.new NAME`` writes a new module's skeleton (see docs/modules.md)."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from core.paths import PROJECT_ROOT
from ops import module_template
from ops.tasks._common import reports_errors, say


@task(help={"name": "the module's name: its exposed schema (lower-case letters, digits, _)"})
@reports_errors
def new(c: Context, name: str) -> None:
    """Create a new module's skeleton in db/ (docs/modules.md)."""
    created = module_template.create(name)
    say(f"module {created.name}: {len(created.changes)} changes appended to db/sqitch.plan")
    for path in (*created.files, created.test_file, created.doc_file):
        print(f"  {path.relative_to(PROJECT_ROOT)}")
    print(
        "next: edit the table and its policies, then `inv db.deploy` (PostgREST exposes "
        f"{created.name} after it) and `inv test -k {created.name}`"
    )
