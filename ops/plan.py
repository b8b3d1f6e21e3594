"""The Sqitch plan as data, and what of it a database still lacks (``inv db.plan``).

`read_plan` parses ``db/sqitch.plan`` (changes in order, their dependencies, notes and
the tag each belongs to); `pending` asks the target database's Sqitch registry which of
them are deployed. The SQL a pending change will run is its deploy script, read as is.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
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
    #: When a later line of the plan reworks this change (``sqitch rework``): the tags
    #: between the two, newest first. Its scripts are then ``name@<tag>.sql`` (the first
    #: that exists), as Sqitch finds them.
    rework_tags: tuple[str, ...] = ()
    #: The plan holds the name more than once (it was reworked).
    ambiguous: bool = False

    @property
    def reworked(self) -> bool:
        return bool(self.rework_tags)

    @property
    def ref(self) -> str:
        """How Sqitch names this line unambiguously: ``name``, or ``name@tag`` (the tag
        after it) or ``name@HEAD`` (the last line) once the plan holds the name twice."""
        if not self.ambiguous:
            return self.name
        return f"{self.name}@{self.tag or 'HEAD'}"

    def _script(self, folder: Path) -> Path:
        base = folder / f"{self.name}.sql"
        candidates = [base.with_name(f"{base.stem}@{tag}.sql") for tag in self.rework_tags]
        return next((c for c in candidates if c.exists()), candidates[0] if candidates else base)

    @property
    def deploy_script(self) -> Path:
        return self._script(self.project_dir)

    @property
    def revert_script(self) -> Path:
        return self._script(self.project_dir / "revert")

    @property
    def verify_script(self) -> Path:
        return self._script(self.project_dir / "verify")


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
    instances: dict[str, list[int]] = {}
    for index, (name, _, _) in enumerate(found):
        instances.setdefault(name, []).append(index)
    changes: list[Change] = []
    for index, (name, deps, note) in enumerate(found):
        after = [position for position in tags if position > index]
        later = [line for line in instances[name] if line > index]
        # A tag at position p follows the change at p - 1: the rework tags of this line
        # follow it or a change before the next line of the same name.
        rework_tags = tuple(
            tags[p] for p in sorted(tags, reverse=True) if later and index < p <= later[0]
        )
        changes.append(Change(name, deps, note, tags[min(after)] if after else None,
                              project_dir, rework_tags, len(instances[name]) > 1))  # fmt: skip
    return changes


def change_ids(project_dir: Path = DB_DIR) -> list[str]:
    """Sqitch's id of every change of the plan, in plan order (as `read_plan`): a target
    that names one line even when a rework put its name in the plan twice, and that the
    database's registry resolves before the tags after it are deployed."""
    argv = ["sqitch", "--chdir", str(project_dir), "plan", "--no-headers", "--format", "format:%H"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False,
                          env={**os.environ, "SQITCH_PAGER": "cat"})  # fmt: skip
    if done.returncode != 0:
        raise OpsError(
            f"sqitch plan failed: {done.stderr.strip()[:500]}", "run it by hand to see why"
        )
    return done.stdout.split()


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
    # A reworked change is deployed once per line of the plan, in plan order: the first
    # N lines of a name deployed N times are done.
    deployed = Counter(deployed_names(url, project_name(project_dir)))
    waiting = []
    for change in plan:
        if deployed[change.name] > 0:
            deployed[change.name] -= 1
        else:
            waiting.append(change)
    return waiting


def _position(plan: list[Change], to: str) -> int:
    """Index of the last change that ``to`` includes: a change name (``name@tag`` or
    ``name@HEAD`` once it is reworked), ``@tag`` or ``@HEAD``."""
    name, _, tag = to.partition("@")
    if tag == "HEAD" and not name:
        return len(plan) - 1
    tagged = [i for i, change in enumerate(plan) if change.tag == tag] if tag else []
    if not name:
        if tagged:
            return max(tagged)
    else:
        lines = [i for i, change in enumerate(plan) if change.name == name]
        if lines and not tag and len(lines) > 1:
            raise OpsError(
                f"{to!r} is ambiguous: the plan reworks it, so it holds {len(lines)} lines",
                "name one: " + ", ".join(plan[i].ref for i in lines),
            )
        if lines and tag == "HEAD":
            return lines[-1]
        if lines and not tag:
            return lines[0]
        before = [i for i in lines if tagged and i <= max(tagged)]
        if before:
            return before[-1]
    known = sorted({f"@{c.tag}" for c in plan if c.tag})
    raise OpsError(
        f"{to!r} is neither a change nor a tag of db/sqitch.plan",
        f"name a change (e.g. {plan[-1].ref}) or a tag ({', '.join(known) or 'none yet'})",
    )
