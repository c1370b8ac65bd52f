"""Survey scores from approved answers: OSI (raw and five subindices), EPI, LOSI per city, EGDI.

What the UN publishes is followed where it is published (reference: survey-instruments.md); where it
is not, the choice made here is ours and says so:

- Subindex weights are not published. Default: equal weights over the subindices counted in the index
  (for OSI: IF, CP, SP, TEC, EP; EGL is counted under HCI, not OSI). Override with `weights`.
- A question scores 1 when present, 0 when absent or not decided yet (the Survey's "0 = absent or not
  found"); a graded question scores (level rank) / (number of levels), e.g. information 0.5, online 1.
- A subindex's raw ratio is its score over its number of questions (a question listed under two
  subindices counts in both). The raw index is the weighted mean of those ratios, 0..1.
- OSI, EPI and LOSI are relative: min–max over the assessed set. Standardising to z-scores first, as the
  UN describes, is a linear map, so min–max of the z-scores equals min–max of the raw values. With
  fewer than two distinct values there is no normalised value: the raw value stands as an estimate.
- EPI levels per E-Participation question are our reading of the question titles (EPI_LEVELS); the
  three levels weigh the same.
- EGDI = mean of OSI, TII and HCI, with TII and HCI imported as published (already 0..1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.instruments import Instrument, Question
from storage import Store

E_INFORMATION, E_CONSULTATION, E_DECISION = "e-information", "e-consultation", "e-decision-making"
EPI_LEVEL_NAMES = (E_INFORMATION, E_CONSULTATION, E_DECISION)


def _codes(*ranges: tuple[int, int] | int) -> list[str]:
    out: list[str] = []
    for r in ranges:
        lo, hi = (r, r) if isinstance(r, int) else r
        out.extend(f"{n:03d}" for n in range(lo, hi + 1))
    return out


# Our assumption (see module docstring): E-Participation question code → EPI level. Codes not listed
# count as e-information.
EPI_LEVELS: Mapping[str, str] = {
    **dict.fromkeys(_codes(37, 78, 92, 105, 121, 134, 163, 174, 99, 112, 128, 141, 170, 181), E_INFORMATION),
    **dict.fromkeys(_codes(33, (303, 310), 313), E_INFORMATION),
    **dict.fromkeys(_codes(21, 34, 40, 42, 131, 302, 323, (330, 335)), E_CONSULTATION),
    **dict.fromkeys(_codes(96, 109, 125, 138, 167, 178, 98, 111, 127, 140, 169, 180), E_CONSULTATION),
    **dict.fromkeys(_codes(193, (324, 329)), E_DECISION),
}

# EGDI groups (lower bound, name, rating-class labels from the top quartile down).
GROUPS: tuple[tuple[float, str, tuple[str, str, str, str]], ...] = (
    (0.75, "Very High", ("VH", "V3", "V2", "V1")),
    (0.50, "High", ("HV", "H3", "H2", "H1")),
    (0.25, "Middle", ("MH", "M3", "M2", "M1")),
    (0.0, "Low", ("LM", "L3", "L2", "L1")),
)


def question_score(question: Question, value: str | None) -> float:
    if value is None or value == "absent":
        return 0.0
    if question.graded:
        if value not in question.levels:
            return 0.0
        return (question.levels.index(value) + 1) / len(question.levels)
    return 1.0 if value == "present" else 0.0


def index_subindices(instrument: Instrument) -> tuple[str, ...]:
    """The subindices the instrument's own index is made of (EGL of OSI counts under HCI)."""
    return tuple(code for code, sub in instrument.subindices.items() if sub.counted_under is None)


def effective_weights(instrument: Instrument, override: Mapping[str, float] | None = None) -> dict[str, float]:
    """Weights of the index's subindices: the override, else the instrument's, else equal. A partial
    set (some published, some null) is not mixed with guesses: it falls back to equal weights."""
    codes = index_subindices(instrument)
    given = {**{k: v for k, v in instrument.weights.items() if k in codes}, **(override or {})}
    if all(given.get(c) is not None for c in codes) and sum(given[c] or 0.0 for c in codes) > 0:
        return {c: float(given[c] or 0.0) for c in codes}
    return dict.fromkeys(codes, 1.0 / len(codes))


@dataclass(frozen=True, slots=True)
class IndexScore:
    instrument: str
    raw: float  # weighted mean of the subindex ratios, 0..1
    features: float  # the sum of question scores over the index's questions (the Survey's raw count)
    subindices: dict[str, float]  # ratio 0..1 per subindex (including those counted elsewhere)
    weights: dict[str, float]
    decided: int
    total: int


def index_score(
    instrument: Instrument, values: Mapping[str, str | None], weights: Mapping[str, float] | None = None
) -> IndexScore:
    """Score one country (or city) from its final values by question code; undecided = absent."""
    ratios: dict[str, float] = {}
    for code in instrument.subindices:
        questions = instrument.questions_in(code)
        ratios[code] = sum(question_score(q, values.get(q.code)) for q in questions) / len(questions)
    w = effective_weights(instrument, weights)
    raw = sum(w[c] * ratios[c] for c in w) / sum(w.values())
    in_index = [q for q in instrument.questions if set(q.subindices) & set(w)]
    return IndexScore(
        instrument=instrument.key,
        raw=raw,
        features=sum(question_score(q, values.get(q.code)) for q in in_index),
        subindices=ratios,
        weights=w,
        decided=sum(1 for q in instrument.questions if values.get(q.code) is not None),
        total=len(instrument.questions),
    )


def epi_raw(instrument: Instrument, values: Mapping[str, str | None]) -> tuple[float, dict[str, float]]:
    """(raw EPI 0..1, ratio per level) from the E-Participation questions."""
    levels: dict[str, list[float]] = {name: [] for name in EPI_LEVEL_NAMES}
    for q in instrument.questions_in("EP") if "EP" in instrument.subindices else ():
        levels[EPI_LEVELS.get(q.code, E_INFORMATION)].append(question_score(q, values.get(q.code)))
    ratios = {name: (sum(s) / len(s) if s else 0.0) for name, s in levels.items()}
    present = [ratios[n] for n in EPI_LEVEL_NAMES if levels[n]]
    return (sum(present) / len(present) if present else 0.0), ratios


def normalise(values: Mapping[str, float]) -> dict[str, float | None]:
    """Min–max over the assessed set; None for everyone when fewer than two distinct values."""
    if len(set(values.values())) < 2:
        return dict.fromkeys(values)
    lo, hi = min(values.values()), max(values.values())
    return {k: (v - lo) / (hi - lo) for k, v in values.items()}


def egdi_group(egdi: float) -> str:
    """Very High > 0.75, High 0.50–0.75, Middle 0.25–0.50, Low < 0.25 (0.75 itself is High)."""
    if egdi > 0.75:
        return "Very High"
    for bound, name, _ in GROUPS[1:]:
        if egdi >= bound:
            return name
    return "Low"


def rating_classes(egdis: Mapping[str, float]) -> dict[str, str]:
    """Each group split into four rating classes by quartile of EGDI among the group's countries."""
    out: dict[str, str] = {}
    for _, name, labels in GROUPS:
        members = {k: v for k, v in egdis.items() if egdi_group(v) == name}
        n = len(members)
        for key, value in members.items():
            at_or_below = sum(1 for v in members.values() if v <= value)
            quartile = max(0, math.ceil(4 * at_or_below / n) - 1)  # 0 = bottom quartile, 3 = top
            out[key] = labels[3 - quartile]
    return out


@dataclass(frozen=True, slots=True)
class CityScore:
    site: str
    score: IndexScore
    losi: float | None = None  # normalised across cities


@dataclass(slots=True)
class CountryScore:
    country: str
    osi: IndexScore | None = None
    osi_normalised: float | None = None
    epi_raw: float | None = None
    epi_levels: dict[str, float] = field(default_factory=dict)
    epi: float | None = None
    cities: list[CityScore] = field(default_factory=list)
    tii: float | None = None
    hci: float | None = None
    egdi: float | None = None
    egdi_estimate: bool = False  # OSI could not be normalised: its raw value stood in
    group: str | None = None
    rating_class: str | None = None

    @property
    def osi_value(self) -> float | None:
        """The OSI used in EGDI: normalised when possible, else the raw estimate."""
        if self.osi_normalised is not None:
            return self.osi_normalised
        return self.osi.raw if self.osi else None


def finish(scores: Sequence[CountryScore]) -> list[CountryScore]:
    """Normalise across the assessed set and derive EGDI, groups and rating classes (in place)."""
    osi = normalise({s.country: s.osi.raw for s in scores if s.osi})
    epi = normalise({s.country: s.epi_raw for s in scores if s.epi_raw is not None})
    cities = [c for s in scores for c in s.cities]
    losi = normalise({c.site: c.score.raw for c in cities})
    for s in scores:
        s.osi_normalised = osi.get(s.country)
        s.epi = epi.get(s.country)
        s.cities = [CityScore(c.site, c.score, losi.get(c.site)) for c in s.cities]
        if s.osi_value is not None and s.tii is not None and s.hci is not None:
            s.egdi = (s.osi_value + s.tii + s.hci) / 3
            s.egdi_estimate = s.osi_normalised is None
            s.group = egdi_group(s.egdi)
    classes = rating_classes({s.country: s.egdi for s in scores if s.egdi is not None})
    for s in scores:
        s.rating_class = classes.get(s.country)
    return list(scores)


def compute(
    store: Store, weights: Mapping[str, Mapping[str, float]] | None = None, *, projected: bool = False
) -> list[CountryScore]:
    """Scores of every country with suggested answers, from approved answers only, or, `projected`,
    as the suggestions stand (the approved value where there is one, else the latest suggestion's).
    `weights` maps an instrument key ("OSI-2024") to its subindex weights."""
    from govaudit.review import country_states, final_values, instrument, projected_values

    values_of = projected_values if projected else final_values

    weights = weights or {}
    indicators = {i.country: i for i in store.indicators.find()}
    by_country: dict[str, CountryScore] = {}
    for queue in store.answers.answered_countries():
        country, key = queue.country, queue.instrument
        score = by_country.setdefault(country, CountryScore(country))
        inst = instrument(key)
        if inst.id == "OSI":
            values = values_of(country_states(store, country, key))
            score.osi = index_score(inst, values, weights.get(key))
            score.epi_raw, score.epi_levels = epi_raw(inst, values)
        elif inst.id == "LOSI":
            answers = store.answers.of_country(country, key)
            sites = {a.site_id: a.site_name for a in answers if a.site_kind == "city_portal"}
            for site_id, name in sorted(sites.items(), key=lambda kv: kv[1]):
                values = values_of(country_states(store, country, key, site_id))
                score.cities.append(CityScore(name, index_score(inst, values, weights.get(key))))
    for country, score in by_country.items():
        if country in indicators:
            score.tii, score.hci = indicators[country].tii, indicators[country].hci
    return finish(sorted(by_country.values(), key=lambda s: s.country))
