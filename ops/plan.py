"""The Sqitch plan as data, and what of it a database still lacks (``inv db.plan``).

`read_plan` parses ``db/sqitch.plan`` (changes in order, their dependencies, notes and
the tag each belongs to); `pending` asks the target database's Sqitch registry which of
them are deployed. The SQL a pending change will run is its deploy script, read as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.errors import OpsError
from ops.database import explain
from ops.sqitch import DB_DIR

#: ``name [deps] timestamp planner <email> # note`` (deps and note optional).
_CHANGE = re.compile(
    r"""^(?P<name>[^\s\[@%#][^\s\[]*) \s+
        (?:\[(?P<deps>[^\]]*)\] \s+)?     # [dependencies]
        \S+ \s+ .*?>                      # timestamp, planner name <email>
        (?:\s+\#\s?(?P<note>.*))?$""",
    re.VERBOSE,
)
_TAG = re.compile(r"^@(?P<name>\S+)\s")


@dataclass(frozen=True)
class Change:
    name: str
    requires: tuple[str, ...]
    note: str
    #: The tag that follows the change in the plan (None after the last tag).
    tag: str | None
    project_dir: Path = DB_DIR

    @property
    def deploy_script(self) -> Path:
        return self.project_dir / f"{self.name}.sql"

    @property
    def revert_script(self) -> Path:
        return self.project_dir / "revert" / f"{self.name}.sql"

    @property
    def verify_script(self) -> Path:
        return self.project_dir / "verify" / f"{self.name}.sql"


def read_plan(project_dir: Path = DB_DIR) -> list[Change]:
    """Every change of the plan, in deploy order."""
    path = project_dir / "sqitch.plan"
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError as exc:
        raise OpsError(f"no Sqitch plan at {path}", "run from a clone of the project") from exc
    found: list[tuple[str, tuple[str, ...], str]] = []
    tags: dict[int, str] = {}  # index of the first change after a tag -> that tag
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith(("%", "#")):
            continue
        tag = _TAG.match(text)
        if tag:
            tags.setdefault(len(found), tag["name"])
            continue
        change = _CHANGE.match(text)
        if change is None:
            raise OpsError(
                f"{path}:{number}: not a change, tag or pragma: {text[:60]}",
                "fix the line (add changes with `sqitch add`, never by hand)",
            )
        deps = tuple((change["deps"] or "").split())
        found.append((change["name"], deps, change["note"] or ""))
    changes: list[Change] = []
    for index, (name, deps, note) in enumerate(found):
        after = [position for position in tags if position > index]
        changes.append(Change(name, deps, note, tags[min(after)] if after else None, project_dir))
    return changes


def project_name(project_dir: Path = DB_DIR) -> str:
    """The plan's ``%project=`` pragma (the name its registry rows carry)."""
    for line in (project_dir / "sqitch.plan").read_text().splitlines():
        if line.startswith("%project="):
            return line.partition("=")[2].strip()
    raise OpsError(f"{project_dir}/sqitch.plan has no %project pragma", "add %project=<name>")


def deployed_names(url: str, project: str) -> list[str]:
    """The changes deployed on the database at ``url``, in deploy order ([] if none)."""
    try:
        with psycopg.connect(url, connect_timeout=10, autocommit=True) as conn:
            if conn.execute("select to_regclass('sqitch.changes')").fetchone() == (None,):
                return []
            rows = conn.execute(
                "select change from sqitch.changes where project = %s"
                " order by committed_at, change",
                (project,),
            ).fetchall()
    except psycopg.Error as exc:
        raise explain(exc, "read the Sqitch registry") from exc
    return [str(name) for (name,) in rows]


def pending(url: str, to: str | None = None, project_dir: Path = DB_DIR) -> list[Change]:
    """The plan's changes not deployed on ``url`` (up to and including ``to``), in order."""
    plan = read_plan(project_dir)
    if to is not None:
        plan = plan[: _position(plan, to) + 1]
    done = set(deployed_names(url, project_name(project_dir)))
    return [change for change in plan if change.name not in done]


def _position(plan: list[Change], to: str) -> int:
    """Index of the last change that ``to`` (a change name or ``@tag``) includes."""
    if to.startswith("@"):
        tagged = [i for i, change in enumerate(plan) if change.tag == to[1:]]
        if tagged:
            return max(tagged)
    else:
        for i, change in enumerate(plan):
            if change.name == to:
                return i
    known = sorted({f"@{c.tag}" for c in plan if c.tag})
    raise OpsError(
        f"{to!r} is neither a change nor a tag of db/sqitch.plan",
        f"name a change (e.g. {plan[-1].name}) or a tag ({', '.join(known) or 'none yet'})",
    )
