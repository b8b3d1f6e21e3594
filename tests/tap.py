"""A small TAP reader for pgTAP output: the plan, the results and their diagnostics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PLAN = re.compile(r"^1\.\.(\d+)")
_RESULT = re.compile(r"^(not )?ok (\d+)(?: - ([^#]*))?(?:#\s*(SKIP|TODO)\b.*)?", re.IGNORECASE)


@dataclass
class Assertion:
    number: int
    passed: bool
    description: str
    directive: str | None = None
    diagnostics: list[str] = field(default_factory=list)

    @property
    def counts_as_failure(self) -> bool:
        return not self.passed and (self.directive or "").upper() != "TODO"


@dataclass
class TapReport:
    planned: int | None = None
    assertions: list[Assertion] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Assertion]:
        return [a for a in self.assertions if a.counts_as_failure]

    def problems(self) -> list[str]:
        """Everything wrong with the run, one readable line (plus diagnostics) each."""
        problems = [
            f"not ok {a.number} - {a.description}" + "".join(f"\n    {d}" for d in a.diagnostics)
            for a in self.failures
        ]
        if self.planned is None:
            problems.append("no plan: the file must call plan(n)")
        elif self.planned != len(self.assertions):
            problems.append(f"planned {self.planned} assertions but ran {len(self.assertions)}")
        return problems


def parse(output: str) -> TapReport:
    """Read pgTAP output (``psql -t -A``): lines other than TAP are ignored."""
    report = TapReport()
    last: Assertion | None = None
    for raw in output.splitlines():
        line = raw.strip()
        if plan := _PLAN.match(line):
            report.planned = int(plan.group(1))
        elif result := _RESULT.match(line):
            last = Assertion(
                number=int(result.group(2)),
                passed=result.group(1) is None,
                description=(result.group(3) or "").strip(),
                directive=result.group(4),
            )
            report.assertions.append(last)
        elif line.startswith("#"):
            text = line.lstrip("#").strip()
            if last is not None and not last.passed:
                last.diagnostics.append(text)
            else:
                report.comments.append(text)
    return report
