"""Charts drawn by the server as inline SVG: no script, no external file, and readable when
printed in black and white (every bar carries its number as text, and the lights' segments
differ by pattern as well as by colour).

Each function returns markup ready for a template (escaped here). Every chart is an image
with a <title> and a <desc> (role="img", aria-labelledby), and bars that stand for records
link to them (<a href> inside the SVG).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)

# Fills that stay apart in black and white: a colour and a pattern each.
PATTERNS = ("solid", "hatch", "dots", "cross", "vertical", "blank")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what the bar says, e.g. "12" or "87.5%"
    href: str = ""
    css: str = ""  # an extra class, e.g. a light's name


def _new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def _open(kind: str, width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    chart_id = _new_id("chart")
    head = (
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" '
        # Drawn at its own size and shrunk to fit a phone (CSS max-width), never blown up: a
        # chart in a wide card would otherwise print its labels at twice their size.
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    return head, chart_id


def _link(href: str, inner: str, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{inner}</a>'


def _patterns(chart_id: str) -> str:
    """Pattern fills drawn in the current colour, so CSS chooses the colour of each."""
    size = 6
    shapes = {
        "hatch": f'<path d="M0,{size} L{size},0" stroke="currentColor" stroke-width="1.6"/>',
        "dots": '<circle cx="3" cy="3" r="1.4" fill="currentColor"/>',
        "cross": (
            f'<path d="M0,0 L{size},{size} M0,{size} L{size},0" '
            'stroke="currentColor" stroke-width="1"/>'
        ),
        "vertical": f'<path d="M3,0 L3,{size}" stroke="currentColor" stroke-width="1.6"/>',
    }
    return (
        "<defs>"
        + "".join(
            f'<pattern id="{chart_id}-{name}" width="{size}" height="{size}" '
            f'patternUnits="userSpaceOnUse">'
            f'<rect width="{size}" height="{size}" fill="#fff"/>{shape}</pattern>'
            for name, shape in shapes.items()
        )
        + "</defs>"
    )


def _fill(chart_id: str, pattern: str) -> str:
    if pattern == "solid":
        return "currentColor"
    if pattern == "blank":
        return "#fff"
    return f"url(#{chart_id}-{pattern})"


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbars(
    bars: Sequence[Bar], *, title: str, desc: str = "", maximum: float | None = None
) -> SafeString:
    """Horizontal bars, one a row: the label on the left, the bar, its text on the right."""
    label_w, bar_w, text_w, row_h = 190, 300, 80, 26
    width = label_w + bar_w + text_w
    height = max(1, len(bars)) * row_h + 4
    top = maximum if maximum is not None else max((b.value for b in bars), default=0) or 1
    head, _chart_id = _open("hbars", width, height, title, desc or title)
    parts = [head]
    for n, bar in enumerate(bars):
        y = n * row_h + 2
        length = 0 if top <= 0 else max(0.0, min(1.0, bar.value / top)) * bar_w
        inner = (
            f'<g class="bar {escape(bar.css)}">'
            f'<text class="label" x="{label_w - 6}" y="{y + 17}" text-anchor="end">'
            f"{escape(_trim(bar.label, 14))}</text>"
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{bar_w}" height="16"/>'
            f'<rect class="fill" x="{label_w}" y="{y + 4}" width="{length:.1f}" height="16"/>'
            f'<text class="value" x="{label_w + bar_w + 6}" y="{y + 17}">{escape(bar.text)}</text>'
            "</g>"
        )
        parts.append(_link(bar.href, inner, f"{bar.label} {bar.text}"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def funnel(stages: Sequence[Bar], *, title: str, desc: str = "") -> SafeString:
    """A funnel: each stage a centred bar as wide as its share of the first, with its number
    and its share of the first stage written in it."""
    width, row_h, label_h = 560, 46, 16
    height = max(1, len(stages)) * row_h + 4
    first = stages[0].value if stages and stages[0].value else 0
    head, _chart_id = _open("funnel", width, height, title, desc or title)
    parts = [head]
    for n, stage in enumerate(stages):
        y = n * row_h + 2
        share = stage.value / first if first else 0
        bar_w = max(2.0, share * (width - 20))
        x = (width - bar_w) / 2
        share_text = f" · {share * 100:.1f}%" if n and first else ""
        inner = (
            f'<g class="stage stage-{n}">'
            f'<text class="label" x="{width / 2}" y="{y + label_h - 3}" text-anchor="middle">'
            f"{escape(stage.label)}：{escape(stage.text)}{share_text}</text>"
            f'<rect class="fill" x="{x:.1f}" y="{y + label_h}" width="{bar_w:.1f}" height="24"/>'
            "</g>"
        )
        parts.append(_link(stage.href, inner, f"{stage.label} {stage.text}"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked(segments: Sequence[Bar], *, title: str, desc: str = "") -> SafeString:
    """One bar split into segments (the task lights), each with its own pattern, and a
    legend below with each segment's name and number; segments and legend link through."""
    width, bar_h, legend_row = 600, 34, 22
    per_row = 3
    rows = (len(segments) + per_row - 1) // per_row
    height = bar_h + 12 + rows * legend_row
    total = sum(s.value for s in segments)
    head, chart_id = _open("stacked", width, height, title, desc or title)
    parts = [head, _patterns(chart_id)]
    x = 0.0
    for n, seg in enumerate(segments):
        pattern = PATTERNS[n % len(PATTERNS)]
        seg_w = (seg.value / total * width) if total else 0
        if seg_w:
            inner = (
                f'<rect class="seg {escape(seg.css)}" x="{x:.1f}" y="0" width="{seg_w:.1f}" '
                f'height="{bar_h}" fill="{_fill(chart_id, pattern)}"/>'
            )
            parts.append(_link(seg.href, inner, f"{seg.label} {seg.text}"))
        x += seg_w
    if not total:
        parts.append(f'<rect class="track" x="0" y="0" width="{width}" height="{bar_h}"/>')
    for n, seg in enumerate(segments):
        pattern = PATTERNS[n % len(PATTERNS)]
        col, row = n % per_row, n // per_row
        lx, ly = col * (width / per_row), bar_h + 12 + row * legend_row
        inner = (
            f'<g class="legend {escape(seg.css)}">'
            f'<rect class="seg" x="{lx:.1f}" y="{ly}" width="14" height="14" '
            f'fill="{_fill(chart_id, pattern)}"/>'
            f'<text x="{lx + 20:.1f}" y="{ly + 12}">{escape(seg.label)} {escape(seg.text)}</text>'
            "</g>"
        )
        parts.append(_link(seg.href, inner, f"{seg.label} {seg.text}"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(
    values: Sequence[int], labels: Sequence[str], *, title: str, desc: str = ""
) -> SafeString:
    """A column a week: the number on each column that has one, and every few weeks' label
    under the axis (all of them in the <desc> for screen readers)."""
    n = max(1, len(values))
    col_w = max(8, min(36, 560 // n))
    left, bottom, plot_h = 34, 22, 110
    width = left + n * col_w + 6
    height = plot_h + bottom + 16
    top = max(values, default=0) or 1
    head, _chart_id = _open("columns", width, height, title, desc or title)
    parts = [
        head,
        f'<line class="axis" x1="{left}" y1="{plot_h + 14}" x2="{width - 4}" y2="{plot_h + 14}"/>',
        f'<text class="tick" x="{left - 4}" y="{22}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="{left - 4}" y="{plot_h + 14}" text-anchor="end">0</text>',
    ]
    every = max(1, (n + 7) // 8)
    for i, (value, label) in enumerate(zip(values, labels, strict=False)):
        x = left + i * col_w + 2
        h = value / top * plot_h
        y = plot_h + 14 - h
        parts.append(
            f'<rect class="fill" x="{x}" y="{y:.1f}" width="{col_w - 4}" height="{h:.1f}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if value and col_w >= 18:
            parts.append(
                f'<text class="value" x="{x + (col_w - 4) / 2:.1f}" y="{y - 2:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{x}" y="{plot_h + 14 + 14}">{escape(label[-3:])}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
