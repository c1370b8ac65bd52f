"""Inline SVG charts for the HTML reports: no script, no external file, readable without colour.

Each chart is an `<svg role="img">` named by its <title>, which also states the data, so a screen
reader hears the numbers; the report shows the same numbers in a table next to it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

INK = "#1b1b1b"
BAR = "#1d4ed8"
GRID = "#767676"  # 4.5:1 on white: the axis is information, not decoration


def _summary(rows: Sequence[tuple[str, float | int | None]]) -> str:
    return ", ".join(f"{label} {'no data' if value is None else f'{value:g}'}" for label, value in rows)


def bars(chart_id: str, title: str, rows: Sequence[tuple[str, float | int]], label_width: int = 150) -> Markup:
    """Horizontal bars, one per row, with the value written at the end of each bar."""
    width, row_h, bar_w = label_width + 330, 26, 280
    height = row_h * len(rows) + 8
    top = max([v for _, v in rows] + [1])
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f'<title id="{chart_id}">{escape(title)}: {escape(_summary(rows))}</title>',
    ]
    for n, (label, value) in enumerate(rows):
        y = row_h * n
        w = round(bar_w * value / top, 1)
        parts.append(f'<text x="0" y="{y + 18}" fill="{INK}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 5}" width="{w}" height="18" fill="{BAR}"></rect>')
        parts.append(f'<text x="{label_width + w + 6}" y="{y + 18}" fill="{INK}">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(chart_id: str, title: str, points: Sequence[tuple[str, float | None]], top: float = 100.0) -> Markup:
    """A line over runs (oldest left), each point marked and labelled with its value; runs without a
    value (nothing audited) leave a gap."""
    width, height, left, bottom, right = 520, 200, 40, 30, 20
    plot_w, plot_h = width - left - right, height - bottom - 20
    top = max([top] + [v for _, v in points if v is not None])
    step = plot_w / max(len(points) - 1, 1)

    def xy(n: int, value: float) -> tuple[float, float]:
        return round(left + step * n, 1), round(20 + plot_h * (1 - value / top), 1)

    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f'<title id="{chart_id}">{escape(title)}: {escape(_summary(points))}</title>',
        f'<line x1="{left}" y1="{20 + plot_h}" x2="{width - right}" y2="{20 + plot_h}" stroke="{GRID}"></line>',
        f'<line x1="{left}" y1="20" x2="{left}" y2="{20 + plot_h}" stroke="{GRID}"></line>',
        f'<text x="0" y="26" fill="{INK}">{top:g}</text>',
        f'<text x="0" y="{20 + plot_h}" fill="{INK}">0</text>',
    ]
    segment: list[str] = []
    for n, (label, value) in enumerate(points):
        x = round(left + step * n, 1)
        parts.append(f'<text x="{x}" y="{height - 8}" fill="{INK}" text-anchor="middle">{escape(label)}</text>')
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BAR}" stroke-width="2">')
                parts.append("</polyline>")
            segment = []
            continue
        px, py = xy(n, value)
        segment.append(f"{px},{py}")
        parts.append(f'<circle cx="{px}" cy="{py}" r="4" fill="{BAR}"></circle>')
        parts.append(f'<text x="{px}" y="{py - 8}" fill="{INK}" text-anchor="middle">{value:g}</text>')
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BAR}" stroke-width="2"></polyline>')
    parts.append("</svg>")
    return Markup("".join(parts))
