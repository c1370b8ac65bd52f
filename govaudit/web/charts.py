"""Inline SVG bar charts, laid out here and drawn by the `bar_chart` template macro.

Server-side geometry keeps the pages free of script; every chart sits next to a table with the same
numbers, so the chart is a picture of data the page already gives as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_W, BAR_W, ROW_H, GAP, VALUE_W = 150, 300, 22, 6, 60


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    y: int
    width: float
    text: str


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_w: int = LABEL_W
    bar_x: int = LABEL_W + 8
    row_h: int = ROW_H


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, float | None]], description: str = "") -> BarChart:
    """Horizontal bars for values in 0..1 (None draws no bar and reads "n/a")."""
    bars = tuple(
        Bar(
            label=label,
            value=value,
            y=i * (ROW_H + GAP),
            width=round(max(0.0, min(1.0, value or 0.0)) * BAR_W, 1),
            text="n/a" if value is None else f"{value:.3f}",
        )
        for i, (label, value) in enumerate(items)
    )
    height = max(1, len(bars)) * (ROW_H + GAP)
    return BarChart(chart_id, title, description or title, bars, LABEL_W + 8 + BAR_W + VALUE_W, height)
