"""``inv db.lints``: catalog lints, one query per file in ``db/lints/``, splinter style.

Each ``db/lints/NNNN_<name>.sql`` opens with a comment (what it finds, ``Why:``,
``Fix:``) and is one query answering ``(object, detail)``: one row per offending object.
Nothing lists the lints: a new file is a new lint.

A finding fails unless a module declared it, in its own Sqitch change, with
``platform.declare_lint_exception(module, lint, object, reason)`` (the rows of
``platform.lint_exceptions``, matched by lint name and object). An exception the lint no
longer reports (stale: it would hide the next real finding) or one naming no lint fails
too. The queries run in a read-only transaction with ``search_path = ''`` so that
``regclass``/``regprocedure`` print fully qualified names, as modules declare them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from core.errors import OpsError
from ops.sqitch import DB_DIR

logger = logging.getLogger(__name__)

LINTS_DIR = DB_DIR / "lints"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z][a-z0-9_]*)\.sql$")
_HEADER = re.compile(r"\A\s*/\*(.*?)\*/", re.DOTALL)


@dataclass(frozen=True)
class Lint:
    """One file of ``db/lints/``: its name, what its header says, its query."""

    number: int
    name: str
    path: Path
    header: str
    sql: str

    @property
    def summary(self) -> str:
        """The header's first paragraph, on one line (what the lint finds)."""
        first = self.header.split("\n\n", 1)[0]
        text = " ".join(first.split())
        return re.sub(rf"^Lint {self.name}:\s*", "", text)

    @property
    def fix(self) -> str:
        """The header's ``Fix:`` paragraph, on one line."""
        for paragraph in self.header.split("\n\n"):
            if paragraph.lstrip().startswith("Fix:"):
                return " ".join(paragraph.split())[len("Fix:") :].strip()
        return ""


@dataclass(frozen=True)
class Finding:
    lint: str
    object: str
    detail: str

    def __str__(self) -> str:
        return f"{self.lint}: {self.object}: {self.detail}"


@dataclass(frozen=True)
class LintException:
    """A row of ``platform.lint_exceptions``: a finding a module accepts, and why."""

    lint: str
    object: str
    module: str
    reason: str

    def __str__(self) -> str:
        return f"{self.lint}: {self.object} (declared by {self.module}: {self.reason})"


@dataclass
class Report:
    lints: list[Lint]
    findings: list[Finding] = field(default_factory=list)
    excepted: list[Finding] = field(default_factory=list)
    stale: list[LintException] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings and not self.stale

    def lines(self) -> list[str]:
        """What ``inv db.lints`` prints: each finding with its fix, each stale exception."""
        fixes = {lint.name: lint.fix for lint in self.lints}
        out = [f"{finding}\n    fix: {fixes[finding.lint]}" for finding in self.findings]
        out += [
            f"stale exception {exc}: the lint no longer reports it; remove the"
            " platform.declare_lint_exception call (and its forget_ in the revert)"
            for exc in self.stale
        ]
        return out


def load_lints(folder: Path = LINTS_DIR) -> list[Lint]:
    """Every lint of ``folder``, in number order; a malformed file is an error."""
    lints: list[Lint] = []
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise OpsError(
                f"{path} is not named like a lint", "name it NNNN_<lint_name>.sql (lower case)"
            )
        text = path.read_text()
        header = _HEADER.match(text)
        if header is None or "Why:" not in header.group(1) or "Fix:" not in header.group(1):
            raise OpsError(
                f"{path} has no header comment",
                "open it with /* Lint <name>: what it finds. Why: ... Fix: ... */",
            )
        lints.append(
            Lint(
                number=int(match.group(1)),
                name=match.group(2),
                path=path,
                header=header.group(1).strip(),
                sql=text[header.end() :].strip().rstrip(";"),
            )
        )
    names = [lint.name for lint in lints]
    if len(set(names)) != len(names):
        raise OpsError("two lints share a name in db/lints", "give each lint its own name")
    return lints


def query(conn: psycopg.Connection[tuple[object, ...]], lint: Lint) -> list[Finding]:
    """Run one lint (in the caller's transaction) and return its rows as findings."""
    cursor = conn.execute(lint.sql.encode())
    columns = [c.name for c in cursor.description or []]
    if columns != ["object", "detail"]:
        raise OpsError(
            f"lint {lint.name} answers columns {columns}",
            "a lint's query selects exactly (object, detail)",
        )
    return [Finding(lint.name, str(obj), str(detail)) for obj, detail in cursor.fetchall()]


def run_lints(url: str, lints: list[Lint] | None = None) -> Report:
    """Run every lint against the database at ``url``; compare with the declared exceptions."""
    lints = load_lints() if lints is None else lints
    report = Report(lints)
    with psycopg.connect(url) as conn:
        conn.execute("set transaction read only")
        conn.execute("set local search_path = ''")
        found = [finding for lint in lints for finding in query(conn, lint)]
        declared = [
            LintException(*map(str, row))
            for row in conn.execute(
                "select lint, object, module, reason from platform.lint_exceptions"
                " order by lint, object"
            )
        ]
        conn.rollback()
    accepted = {(exc.lint, exc.object) for exc in declared}
    for finding in found:
        target = report.excepted if (finding.lint, finding.object) in accepted else report.findings
        target.append(finding)
    reported = {(finding.lint, finding.object) for finding in found}
    report.stale = [exc for exc in declared if (exc.lint, exc.object) not in reported]
    logger.info(
        "%d lints: %d findings, %d excepted, %d stale exceptions",
        len(lints), len(report.findings), len(report.excepted), len(report.stale),
    )  # fmt: skip
    return report
