"""``inv db.lint``: squawk on every deploy script of the plan, with explicit waivers.

squawk (the field's migration linter) flags statements that lock or rewrite live tables
without a timeout, index builds that block writes, 32-bit keys, dropped objects that a
running application still uses... A finding fails the lint unless the change carries a
waiver, in one of two explicit, commented forms:

- in ``db/lint-waivers.toml``: the change, the rules it may break and a ``reason``
  (how deployed changes are waived: their scripts are never edited);
- in the deploy script: ``-- squawk-ignore <rule>`` (squawk's own syntax) right under a
  comment line that says why.

The lint also fails when a change lacks its revert or verify script, when a waiver
names a change that is not in the plan, when a waived rule no longer fires (a
stale waiver would hide the next real finding), and when a deploy script
``create or replace``s a function or view that another, earlier change created
(`ops.reworks`: rework that change instead).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OpsError
from ops.plan import Change, read_plan
from ops.reworks import redefinitions
from ops.sqitch import DB_DIR

#: The PostgreSQL release the rules are checked against (the cluster's major version).
PG_VERSION = "15"
WAIVERS_FILE = "lint-waivers.toml"
IGNORE_MARK = "-- squawk-ignore"


@dataclass(frozen=True)
class Finding:
    change: str
    path: str
    line: int
    rule: str
    message: str
    help: str

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.rule}: {self.message}"
        return f"{text} ({self.help})" if self.help else text


@dataclass(frozen=True)
class Waiver:
    change: str
    rules: frozenset[str]
    reason: str


@dataclass
class LintReport:
    changes: int = 0
    violations: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    #: Problems that are not squawk findings: missing scripts, bad or stale waivers.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and not self.problems


def squawk_binary() -> str:
    """The squawk installed in this virtualenv (``squawk-cli`` in pyproject.toml)."""
    beside = Path(sys.executable).with_name("squawk")
    found = str(beside) if beside.exists() else shutil.which("squawk")
    if found is None:
        raise OpsError("squawk is not installed", "run `make bootstrap` (it installs squawk-cli)")
    return found


def read_waivers(project_dir: Path = DB_DIR) -> dict[str, Waiver]:
    path = project_dir / WAIVERS_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise OpsError(f"{path} is not valid TOML: {exc}", "fix the file's syntax") from exc
    waivers: dict[str, Waiver] = {}
    for change, entry in data.get("waivers", {}).items():
        rules, reason = entry.get("rules"), entry.get("reason")
        if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
            raise OpsError(
                f"{path}: waiver of {change!r} needs `rules`, a list of squawk rule names",
                'write e.g. rules = ["require-lock-timeout"]',
            )
        if not isinstance(reason, str) or not reason.strip():
            raise OpsError(
                f"{path}: waiver of {change!r} has no `reason`",
                "say why the change may break these rules: a waiver without one is refused",
            )
        waivers[change] = Waiver(change, frozenset(rules), reason.strip())
    return waivers


def run_squawk(paths: list[Path]) -> list[dict[str, object]]:
    """squawk's JSON findings for these files (one run for all of them)."""
    argv = [squawk_binary(), "--reporter", "json", "--pg-version", PG_VERSION]
    result = subprocess.run([*argv, *map(str, paths)], capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise OpsError(
            f"squawk failed (exit {result.returncode}): {result.stderr.strip()[:500]}",
            "run the squawk command by hand to see why; `make bootstrap` reinstalls it",
        )
    try:
        findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise OpsError(
            f"squawk printed no JSON: {result.stdout[:200]!r}",
            "check the installed squawk version (`.venv/bin/squawk --version`)",
        ) from exc
    return findings


def lint(project_dir: Path = DB_DIR) -> LintReport:
    """Lint every change of the plan in ``project_dir``."""
    plan = read_plan(project_dir)
    waivers = read_waivers(project_dir)
    report = LintReport(changes=len(plan))
    by_path: dict[str, Change] = {}
    for change in plan:
        for script in (change.deploy_script, change.revert_script, change.verify_script):
            if not script.exists():
                report.problems.append(f"{change.name}: no {_relative(script)}")
        if change.deploy_script.exists():
            by_path[str(change.deploy_script)] = change
            report.problems += _uncommented_ignores(change)
    report.problems += [str(found) for found in redefinitions(plan)]
    names = {change.name for change in plan}
    for name in sorted(set(waivers) - names):
        report.problems.append(f"{WAIVERS_FILE}: waiver of {name!r}, which is not in the plan")

    used: dict[str, set[str]] = {}
    for item in run_squawk([Path(p) for p in by_path]):
        owner = by_path.get(str(item.get("file")))
        if owner is None:
            raise OpsError(f"squawk reported a file it was not given: {item.get('file')}", "")
        finding = Finding(
            change=owner.name,
            path=_relative(Path(str(item["file"]))),
            line=int(str(item.get("line", 0))) + 1,  # squawk counts lines from 0
            rule=str(item.get("rule_name")),
            message=str(item.get("message", "")),
            help=str(item.get("help") or ""),
        )
        waiver = waivers.get(owner.name)
        if waiver is not None and finding.rule in waiver.rules:
            report.waived.append(finding)
            used.setdefault(owner.name, set()).add(finding.rule)
        else:
            report.violations.append(finding)
    for name, waiver in sorted(waivers.items()):
        if name in names:
            for rule in sorted(waiver.rules - used.get(name, set())):
                report.problems.append(
                    f"{WAIVERS_FILE}: {name} waives {rule}, which no longer fires: remove it"
                )
    return report


def _uncommented_ignores(change: Change) -> list[str]:
    """Inline ``-- squawk-ignore`` lines must sit right under a comment saying why."""
    problems = []
    lines = change.deploy_script.read_text().splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip().startswith(IGNORE_MARK):
            above = lines[number - 2].strip() if number > 1 else ""
            if not above.startswith("--") or above.startswith(IGNORE_MARK):
                problems.append(
                    f"{_relative(change.deploy_script)}:{number}: squawk-ignore without a"
                    " comment line above it saying why"
                )
    return problems


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(DB_DIR.parent))
    except ValueError:
        return str(path)
