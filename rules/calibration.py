"""Calibrated confidence: a detector's confidence is mapped to the accuracy its band showed on the
development set of labelled real sites (rules/calibration.yaml, written by
`bench/govsites.py calibrate`). Answers of a band with too few labelled answers keep the detector's
own confidence."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from rules.findings import ABSENT

# Band edges of a detector's confidence (the lower edge is in the band).
EDGES = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)
MIN_ANSWERS = 8  # a band's accuracy is used from this many labelled answers on


@dataclass(frozen=True, slots=True)
class Band:
    side: str  # "present" (any positive value) or "absent"
    low: float
    high: float
    answers: int
    accuracy: float

    def holds(self, side: str, confidence: float) -> bool:
        return side == self.side and self.low <= confidence < self.high


@dataclass(frozen=True, slots=True)
class Calibration:
    bands: tuple[Band, ...] = ()

    def __call__(self, value: str | None, confidence: float) -> float:
        side = side_of(value)
        for band in self.bands:
            if band.holds(side, confidence) and band.answers >= MIN_ANSWERS:
                return round(band.accuracy, 3)
        return confidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_answers": MIN_ANSWERS,
            "bands": [
                {"side": b.side, "low": b.low, "high": b.high, "answers": b.answers, "accuracy": round(b.accuracy, 3)}
                for b in self.bands
            ],
        }


def side_of(value: str | None) -> str:
    return "absent" if value in (ABSENT, None) else "present"


def band_of(confidence: float) -> tuple[float, float]:
    for low, high in itertools.pairwise(EDGES):
        if low <= confidence < high:
            return low, high
    return EDGES[-2], EDGES[-1]


def fit(samples: Iterable[tuple[str | None, float, bool]]) -> Calibration:
    """(suggested value, detector confidence, right?) per labelled answer → one band per side and edge."""
    counts: dict[tuple[str, float, float], list[int]] = {}
    for value, confidence, right in samples:
        key = (side_of(value), *band_of(confidence))
        tally = counts.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += int(right)
    bands = tuple(Band(side, low, high, n, ok / n) for (side, low, high), (n, ok) in sorted(counts.items()))
    return Calibration(bands)


def parse(raw: Mapping[str, Any] | None) -> Calibration:
    items: Sequence[Mapping[str, Any]] = (raw or {}).get("bands") or ()
    return Calibration(
        tuple(
            Band(str(b["side"]), float(b["low"]), float(b["high"]), int(b["answers"]), float(b["accuracy"]))
            for b in items
        )
    )


@cache
def load_calibration() -> Calibration:
    path = resources.files("rules").joinpath("calibration.yaml")
    if not path.is_file():
        return Calibration()
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
