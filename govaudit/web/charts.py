"""Inline SVG bar charts, laid out here and drawn by the `bar_chart` template macro.

Server-side geometry keeps the pages free of script; every chart sits next to a table with the same
numbers, so the chart is a picture of data the page already gives as text. The label column is as wide
as the longest label needs (labels are never cut), and the SVG scales down with its viewBox on a narrow
screen. A chart may carry a second, thin bar per row: the projected value beside the confirmed one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

BAR_W, ROW_H, GAP, VALUE_W = 300, 22, 6, 60
# Width of one character of the 13 px label font, generous (wide glyphs, accents), and the column's bounds.
CHAR_W, MIN_LABEL_W, MAX_LABEL_W = 7.6, 60, 420


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    y: int
    width: float
    text: str
    projected_width: float | None = None


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_w: int
    bar_x: int
    row_h: int = ROW_H
    bar_w: int = BAR_W


def label_width(labels: Sequence[str]) -> int:
    longest = max((len(label) for label in labels), default=0)
    return max(MIN_LABEL_W, min(MAX_LABEL_W, math.ceil(longest * CHAR_W)))


def _width(value: float | None) -> float:
    return round(max(0.0, min(1.0, value or 0.0)) * BAR_W, 1)


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float | None]],
    description: str = "",
    projected: Sequence[float | None] | None = None,
) -> BarChart:
    """Horizontal bars for values in 0..1 (None draws no bar and reads "n/a"); `projected`, when given,
    adds a thin bar per row and its value to the text ("0.412 / projected 0.530")."""
    label_w = label_width([label for label, _ in items])
    bars = []
    for i, (label, value) in enumerate(items):
        text = "n/a" if value is None else f"{value:.3f}"
        extra = projected[i] if projected is not None else None
        if extra is not None:
            text += f" / {extra:.3f}"
        bars.append(
            Bar(label, value, i * (ROW_H + GAP), _width(value), text, _width(extra) if extra is not None else None)
        )
    value_w = VALUE_W * (2 if projected is not None else 1)
    height = max(1, len(bars)) * (ROW_H + GAP)
    return BarChart(
        chart_id, title, description or title, tuple(bars), label_w + 8 + BAR_W + value_w, height, label_w, label_w + 8
    )
