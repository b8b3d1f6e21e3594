"""What a report is made of: sections of rows, notes and a bar chart; and its cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ops.units import human_seconds

#: Longest statement text in a table cell; the HTML shows the text SQL returned.
QUERY_WIDTH = 70
Row = tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[tuple[str, float]]
    unit: Callable[[float], str]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]  # the first row is the header; empty: only `lines`
    lines: list[str] = field(default_factory=list)
    chart: Chart | None = None
    empty: str = "nothing to report"


# --- cells ------------------------------------------------------------------------------


def ms(ms: float) -> str:
    return f"{ms:,.1f} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def count(n: float) -> str:
    return f"{n:,.0f}"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def age_of(seconds: float | None, pid: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{human_seconds(seconds)} (pid {pid})"


def since(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    return human_seconds(max(0.0, (now - moment).total_seconds())) + " ago"


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
