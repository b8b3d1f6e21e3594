"""The report as one self-contained HTML page with small inline SVG bar charts (no
script, no external asset, nothing fetched)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from ops.report.section import Chart, Row, Section, cut

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; max-width: 72rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left;
         font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; } p.note { color: #555; margin: .3rem 0; }
.degraded { color: #b00; } svg text { font: 11px system-ui, sans-serif; }
"""


def render_html(sections: Sequence[Section], title: str) -> str:
    """One self-contained HTML page: the sections' tables, notes and bar charts."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for section in sections:
        css = ' class="degraded"' if section.title.startswith("Health: degraded") else ""
        parts.append(f"<h2{css}>{html.escape(section.title)}</h2>")
        for line in section.lines:
            parts.append(f'<p class="note">{html.escape(line)}</p>')
        if section.rows:
            parts.append(_html_table(section.rows))
        elif not section.lines:
            parts.append(f'<p class="note">{html.escape(section.empty)}</p>')
        if section.chart is not None and section.chart.bars:
            parts.append(bar_chart(section.chart))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_table(rows: Sequence[Row]) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(chart: Chart, width: int = 640, bar: int = 16) -> str:
    """Horizontal bars as inline SVG: label on the left, the value at the bar's end."""
    label_w, value_w = 260, 90
    top = max((value for _, value in chart.bars), default=0.0) or 1.0
    height = bar * len(chart.bars) + 24
    out = [
        f'<svg width="{width}" height="{height}"'
        f' role="img" aria-label="{html.escape(chart.title)}">',
        f'<text x="0" y="12" font-weight="bold">{html.escape(chart.title)}</text>',
    ]
    span = width - label_w - value_w
    for i, (label, value) in enumerate(chart.bars):
        y = 20 + i * bar
        length = max(1.0, span * value / top)
        out.append(f'<text x="0" y="{y + bar - 5}">{html.escape(cut(label, 42))}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{bar - 4}"'
            ' fill="#4a7bb7"/>'
        )
        out.append(
            f'<text x="{label_w + length + 4:.1f}" y="{y + bar - 5}">'
            f"{html.escape(chart.unit(value))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
