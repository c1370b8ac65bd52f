"""Calibrated confidence: a detector's confidence is mapped to the accuracy its band showed on the
development set of labelled real sites (rules/calibration.yaml, written by
`bench/govsites.py calibrate`). Bands are kept per cue (a concept row's cue: title, nav_link, …; any
other detector's rule id) and per side (present / absent); a cue with too few labelled answers in
its band falls back to the side's band, and a band with too few answers keeps the detector's own
confidence."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from crawler.yaml_data import load_yaml
from rules.findings import ABSENT

# Band edges of a detector's confidence (the lower edge is in the band).
EDGES = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)
# A band's accuracy is used from this many labelled answers on (below, its 95% interval is wider than ±0.2).
MIN_ANSWERS = 20


@dataclass(frozen=True, slots=True)
class Band:
    side: str  # "present" (any positive value) or "absent"
    key: str  # the cue or rule id; "" = every answer of the side
    low: float
    high: float
    answers: int
    accuracy: float

    def holds(self, side: str, key: str, confidence: float) -> bool:
        return side == self.side and key == self.key and self.low <= confidence < self.high


@dataclass(frozen=True, slots=True)
class Calibration:
    bands: tuple[Band, ...] = ()

    def __call__(self, value: str | None, confidence: float, key: str = "") -> float:
        side = side_of(value)
        for wanted in (key, ""):
            for band in self.bands:
                if band.holds(side, wanted, confidence) and band.answers >= MIN_ANSWERS:
                    return round(band.accuracy, 3)
        return confidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_answers": MIN_ANSWERS,
            "bands": [
                {
                    "side": b.side,
                    "key": b.key,
                    "low": b.low,
                    "high": b.high,
                    "answers": b.answers,
                    "accuracy": round(b.accuracy, 3),
                }
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


def fit(samples: Iterable[tuple[str | None, float, bool, str]]) -> Calibration:
    """(suggested value, detector confidence, right?, cue) per labelled answer → one band per side,
    cue and edge, and one per side and edge over every cue."""
    counts: dict[tuple[str, str, float, float], list[int]] = {}
    for value, confidence, right, cue in samples:
        for key in {cue, ""}:
            tally = counts.setdefault((side_of(value), key, *band_of(confidence)), [0, 0])
            tally[0] += 1
            tally[1] += int(right)
    bands = tuple(
        Band(side, key, low, high, n, ok / n)
        for (side, key, low, high), (n, ok) in sorted(counts.items())
        if n >= MIN_ANSWERS
    )
    return Calibration(bands)


_CUE = re.compile(r"cue: (\w+)")


def cue_of(rule_id: str, note: str) -> str:
    """What a finding's confidence rests on: a concept row's cue (its note says "cue: title"), or
    the rule id of any other detector."""
    if rule_id.startswith("concept-"):
        found = _CUE.search(note)
        return f"concept:{found.group(1)}" if found else "concept:absent"
    return rule_id


def parse(raw: Mapping[str, Any] | None) -> Calibration:
    items: Sequence[Mapping[str, Any]] = (raw or {}).get("bands") or ()
    return Calibration(
        tuple(
            Band(
                str(b["side"]),
                str(b.get("key", "")),
                float(b["low"]),
                float(b["high"]),
                int(b["answers"]),
                float(b["accuracy"]),
            )
            for b in items
        )
    )


@cache
def load_calibration() -> Calibration:
    path = resources.files("rules").joinpath("calibration.yaml")
    if not path.is_file():
        return Calibration()
    return parse(load_yaml(path.read_text(encoding="utf-8")))
