"""Reworks, not redefinitions: one change owns each function and view of the plan.

A function or view that changes after a tag is reworked (``sqitch rework <change>``):
the change keeps its name, its new deploy script holds the new definition, and its
revert is the previous deploy script (``<change>@<tag>.sql``), not a body pasted by
hand into a "fix" change. `redefinitions` finds the deploy scripts that break this: a
``create or replace function|view`` of an object an earlier, differently named change
of the plan created, or a ``drop`` and ``create`` of it. ``inv db.lint`` reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ops.plan import Change

#: ``create [or replace] function|procedure|view schema.name`` (names quoted or not).
_DEFINITION = re.compile(
    r"""\bcreate \s+ (?P<replace>or \s+ replace \s+)?
        (?:(?:temp|temporary|recursive) \s+)*
        (?P<kind>function|procedure|view) \s+
        (?P<name>(?:"[^"]+"|[a-z_][a-z0-9_$]*) \s* \. \s* (?:"[^"]+"|[a-z_][a-z0-9_$]*))""",
    re.IGNORECASE | re.VERBOSE,
)
_DROP = re.compile(
    r"""\bdrop \s+ (?P<kind>function|procedure|view) \s+ (?:if \s+ exists \s+)?
        (?P<name>(?:"[^"]+"|[a-z_][a-z0-9_$]*) \s* \. \s* (?:"[^"]+"|[a-z_][a-z0-9_$]*))""",
    re.IGNORECASE | re.VERBOSE,
)
_LINE_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class Redefinition:
    change: str
    script: Path
    kind: str
    name: str
    owner: str

    #: "create or replace", or "drop and create" (a redefinition all the same).
    how: str = "create or replace"

    def __str__(self) -> str:
        return (
            f"{self.change}: `{self.how} {self.kind} {self.name}` redefines what"
            f" {self.owner} created: change it there (before the next tag) or"
            f" `sqitch rework {self.owner}` (after a tag), never in another change"
        )


def _key(match: re.Match[str]) -> tuple[str, str]:
    """``(function|view, schema.name)``: procedures share the functions' names."""
    parts = re.sub(r"\s+", "", match["name"]).split(".")
    name = ".".join(part.strip('"') if part.startswith('"') else part.lower() for part in parts)
    return ("view" if match["kind"].lower() == "view" else "function", name)


def definitions(script: Path) -> list[tuple[bool, str, str]]:
    """``(or_replace, kind, schema.name)`` of each function or view a script creates."""
    text = _LINE_COMMENT.sub("", script.read_text())
    return [(m["replace"] is not None, *_key(m)) for m in _DEFINITION.finditer(text)]


def drops(script: Path) -> set[tuple[str, str]]:
    """``(kind, schema.name)`` of each function or view a script drops."""
    return {_key(m) for m in _DROP.finditer(_LINE_COMMENT.sub("", script.read_text()))}


def redefinitions(plan: list[Change]) -> list[Redefinition]:
    """Deploy scripts that ``create or replace`` (or drop and create again) what an
    earlier, other change created."""
    owners: dict[tuple[str, str], str] = {}
    found: list[Redefinition] = []
    for change in plan:
        # A reworked line's script is name@tag.sql (Change.deploy_script finds it).
        script = change.deploy_script
        if not script.exists():
            continue
        dropped = drops(script)
        for replace, kind, name in definitions(script):
            owner = owners.setdefault((kind, name), change.name)
            if owner == change.name:
                continue
            if replace:
                found.append(Redefinition(change.name, script, kind, name, owner))
            elif (kind, name) in dropped:
                found.append(
                    Redefinition(change.name, script, kind, name, owner, "drop and create")
                )
    return found
