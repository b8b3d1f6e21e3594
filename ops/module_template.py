"""A new module's skeleton from ``db/templates/module``: ``inv module.new NAME``.

The four Sqitch changes are added with ``sqitch add`` and the module template (so the plan
lines, their dependencies and the scripts come out exactly as a DBA's ``sqitch add``
writes them); the pgTAP file and the docs stub are filled in here from the same folder.
Nothing outside the module's own folders changes, except the plan's appended lines.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.errors import OpsError
from ops import sqitch

logger = logging.getLogger(__name__)

#: Inside the Sqitch project (db/): the module template, beside the per-change ones.
TEMPLATE_SUBDIR = Path("templates", "module")
DOCS_DIR = sqitch.DB_DIR.parent / "docs" / "modules"

#: Lower-case identifier; short enough that NAME_private and NAME's objects stay legal.
NAME_FORMAT = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
#: Names the platform uses already (schemas, folders), and PostgreSQL's own.
RESERVED = frozenset({
    "api", "audit", "auth", "core", "events", "extensions", "helpers", "information_schema",
    "module", "monitoring", "platform", "public", "sqitch", "templates", "tests",
})  # fmt: skip

#: The capture changes are reworked (the plan holds them more than once), so a dependency
#: must name one by tag. Sqitch accepts ``name@tag`` only when no later instance of the
#: change precedes that tag: the newest tag after the newest instance that precedes it.
#: A new module is appended after every instance anyway, so any of them orders it right.
CAPTURE_TAG = "platform-2.1"

#: (change folder, template, note, dependencies) in deploy order; NAME is the module.
CHANGES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("schema/{name}/schemas", "schemas",
     "The {name} module's schemas ({name} exposed, {name}_private), registered in the module"
     " registry.",
     ("schema/core/modules", "schema/core/roles")),
    ("schema/{name}/items", "table",
     "The {name} module's first table: items a signed-in user owns.",
     ("schema/{name}/schemas", "schema/core/auth_users", "functions/core/auth_claims")),
    ("rls/{name}/items", "policies",
     "Owners read, add, edit and delete their {name} items.",
     ("schema/{name}/items", "functions/core/auth_claims", "functions/core/unfiltered_writes")),
    ("functions/{name}/events", "events",
     "Audit and change events for the {name} module's tables.",
     ("rls/{name}/items", f"functions/core/events_capture@{CAPTURE_TAG}",
      f"schema/core/audit_log@{CAPTURE_TAG}")),
)  # fmt: skip

#: The plan's author for the new lines (the plan's own convention).
PLANNER = {"SQITCH_FULLNAME": "Platform Team", "SQITCH_EMAIL": "platform@example.invalid"}


@dataclass(frozen=True)
class NewModule:
    name: str
    changes: tuple[str, ...]
    files: tuple[Path, ...]
    test_file: Path
    doc_file: Path


def check_name(name: str, db_dir: Path = sqitch.DB_DIR) -> None:
    """Refuse a name that is not a lower-case identifier, is reserved, or is taken."""
    if not NAME_FORMAT.match(name):
        raise OpsError(
            f"{name!r} is not a module name: use 2 to 30 lower-case letters, digits or _,"
            " starting with a letter",
            "e.g. `inv module.new journal`",
        )
    if name in RESERVED or name.startswith("pg_") or name.endswith("_private"):
        raise OpsError(
            f"{name!r} is reserved (a platform schema or folder, or a suffix the template adds)",
            "pick another name",
        )
    folders = [db_dir / top / name for top in ("schema", "rls", "functions", "tests")]
    folders += [
        db_dir / side / top / name
        for side in ("revert", "verify")
        for top in ("schema", "rls", "functions")
    ]
    taken = [path.relative_to(db_dir.parent) for path in folders if path.exists()]
    planned = re.search(rf"^(schema|rls|functions)/{re.escape(name)}/", _plan(db_dir), re.M)
    if taken or planned:
        where = f"{taken[0]}/" if taken else "its changes are in db/sqitch.plan"
        raise OpsError(
            f"module {name!r} exists already ({where})",
            f"add a change to it instead: `sqitch -C db add schema/{name}/<object>`"
            " (see docs/modules.md), or pick another name",
        )


def create(name: str, db_dir: Path = sqitch.DB_DIR, docs_dir: Path = DOCS_DIR) -> NewModule:
    """Write the skeleton of module ``name`` into ``db_dir`` (a Sqitch project like db/)."""
    check_name(name, db_dir)
    changes: list[str] = []
    for change, template, note, requires in CHANGES:
        changes.append(change.format(name=name))
        _sqitch_add(db_dir, change.format(name=name), template, note.format(name=name),
                    [r.format(name=name) for r in requires], name)  # fmt: skip
    files = tuple(
        db_dir / side / f"{change}.sql" if side else db_dir / f"{change}.sql"
        for change in changes
        for side in ("", "revert", "verify")
    )
    test_file = db_dir / "tests" / name / f"{next_test_number(db_dir):03d}-{name}.sql"
    doc_file = docs_dir / f"{name}.md"
    for target, template in ((test_file, "test.tmpl"), (doc_file, "doc.tmpl")):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render((db_dir / TEMPLATE_SUBDIR / template).read_text(), module=name))
    logger.info("created module %s: %d changes", name, len(changes))
    return NewModule(name, tuple(changes), files, test_file, doc_file)


def render(text: str, **variables: str) -> str:
    """Fill ``[% name %]`` placeholders, the syntax of Sqitch's templates."""
    for key, value in variables.items():
        text = text.replace(f"[% {key} %]", value)
    left = re.search(r"\[%.*?%\]", text)
    if left:
        raise OpsError(f"template placeholder {left.group(0)} has no value", "fix the template")
    return text


def next_test_number(db_dir: Path) -> int:
    """The first free hundred for a module's pgTAP files (core 0xx, publishing 1xx...)."""
    numbers = [
        int(match.group(1))
        for path in (db_dir / "tests").glob("*/*.sql")
        if (match := re.match(r"^(\d+)-", path.name))
    ]
    return (max(numbers, default=-1) // 100 + 1) * 100


def _plan(db_dir: Path) -> str:
    try:
        return (db_dir / "sqitch.plan").read_text()
    except FileNotFoundError as exc:
        raise OpsError(f"no Sqitch plan in {db_dir}", "run from the project's checkout") from exc


def _sqitch_add(db_dir: Path, change: str, template: str, note: str, requires: list[str],
                module: str) -> None:  # fmt: skip
    argv = ["sqitch", "--chdir", str(db_dir), "add", change, "--template", template,
            "--template-directory", str(db_dir / TEMPLATE_SUBDIR), "--set", f"module={module}",
            *(arg for r in requires for arg in ("--requires", r)), "--note", note]  # fmt: skip
    env = {**sqitch.environment("postgresql://localhost/unused"), **PLANNER}
    try:
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    except FileNotFoundError as exc:
        raise OpsError("sqitch is not installed", "run `make bootstrap`") from exc
    if result.returncode != 0:
        raise OpsError(
            f"sqitch add {change} failed: {(result.stderr or result.stdout).strip()}",
            f"fix the cause, remove what was written for {module} (git status shows it), retry",
        )
