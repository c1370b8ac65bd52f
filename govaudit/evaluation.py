"""Accuracy of suggested answers against labelled truth: what `govaudit eval` prints.

Definitions (per question, then summed):
- A value is *positive* when it is "present" or a graded level ("information", "online" …);
  "absent" is negative.
- An answer whose outcome is `not_tested` (or a question the report lacks) is *not covered*: listed
  apart and left out of precision and recall. A label of `not_tested` (the truth says a crawler
  cannot answer it) is only checked to be not_tested, and never scored.
- `needs_review` answers count with the value they suggest, and are listed.
- TP: both positive with the same value · FP: suggested positive, labelled absent · FN: labelled
  positive, suggested absent · TN: both absent · a positive with the wrong level counts as one FP
  and one FN (the level claimed is wrong, and the true level was missed). On a binary question of
  the instrument, any positive value is "yes": a level there is not a wrong level.
- precision = TP / (TP + FP), recall = TP / (TP + FN); None when the denominator is 0.

What an assessor is handed is judged apart (issue 17's targets):
- *answered precision*: over the answers the machine decided (`passed`/`failed`, not `needs_review`),
  TP / (TP + FP);
- *present recall*: over every code labelled positive (covered or not, decided or sent to review),
  the share decided with the labelled value.
- *calibration*: per confidence band, how many answers and how many were right (TP or TN).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.table import Table

from crawler.yaml_data import load_yaml
from reports.serial import to_object
from reports.types import Report
from rules.instruments import InstrumentError, load_instrument

ABSENT = "absent"
NOT_TESTED = "not_tested"


@dataclass(frozen=True, slots=True)
class Label:
    value: str
    evidence: tuple[str, ...] = ()  # paths (or URLs) a human checked


@dataclass(slots=True)
class QuestionScore:
    question: str
    label: str
    suggested: str | None = None  # None = not covered
    outcome: str = NOT_TESTED
    confidence: float = 0.0
    evidence_match: bool | None = None  # the answer's evidence names one of the labelled paths
    raw_confidence: float | None = None  # the detectors' own, before calibration
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    sites: int = 1
    sites_positive: int = 0  # sites on which the code is labelled positive

    @property
    def covered(self) -> bool:
        return self.suggested is not None

    @property
    def decided(self) -> bool:
        return self.covered and self.outcome in ("passed", "failed")

    @property
    def labelled_positive(self) -> bool:
        return _positive(self.label)

    @property
    def right(self) -> bool:
        return self.verdict in ("TP", "TN")

    @property
    def verdict(self) -> str:
        if self.label == NOT_TESTED:
            return "ok (not tested)" if not self.covered else "answered, label says not_tested"
        if not self.covered:
            return "not covered"
        if self.tp and not (self.fp or self.fn):
            return "TP"
        if self.tn:
            return "TN"
        if self.fp and self.fn:
            return "wrong level"
        return "FP" if self.fp else "FN"

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)


@dataclass(slots=True)
class Evaluation:
    instrument: str
    questions: list[QuestionScore] = field(default_factory=list)
    unlabelled_answers: int = 0  # answers the report gives on questions the truth does not label
    # Per-site answers behind a combined evaluation (combine() sums per code; calibration needs each answer).
    answers: list[QuestionScore] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(q, name) for q in self.scored)

    @property
    def scored(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.covered and q.label != NOT_TESTED]

    @property
    def not_covered(self) -> list[QuestionScore]:
        return [q for q in self.questions if not q.covered and q.label != NOT_TESTED]

    @property
    def needs_review(self) -> list[QuestionScore]:
        return [q for q in self.scored if q.outcome == "needs_review"]

    @property
    def tp(self) -> int:
        return self._sum("tp")

    @property
    def fp(self) -> int:
        return self._sum("fp")

    @property
    def fn(self) -> int:
        return self._sum("fn")

    @property
    def tn(self) -> int:
        return self._sum("tn")

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def answered_tp(self) -> int:
        return sum(q.tp for q in self.answers if q.decided)

    @property
    def answered_fp(self) -> int:
        return sum(q.fp for q in self.answers if q.decided)

    @property
    def labelled_present(self) -> int:
        return sum(q.sites_positive for q in self.questions)

    @property
    def answered_precision(self) -> float | None:
        return _ratio(self.answered_tp, self.answered_tp + self.answered_fp)

    @property
    def present_recall(self) -> float | None:
        return _ratio(self.answered_tp, self.labelled_present)

    @property
    def accuracy(self) -> float | None:
        """Share of the scored questions answered with exactly the labelled value."""
        return _ratio(sum(1 for q in self.scored if q.verdict in ("TP", "TN")), len(self.scored))

    @property
    def errors(self) -> list[QuestionScore]:
        return [q for q in self.scored if q.verdict not in ("TP", "TN")]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _positive(value: str | None) -> bool:
    return value is not None and value not in (ABSENT, NOT_TESTED)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _labels(truth: Mapping[str, Any]) -> dict[str, Label]:
    """{code: "present"} or {code: {"value": …, "evidence": [...]}} → Labels (codes as strings)."""
    labels = {}
    for code, item in truth.items():
        if isinstance(item, Mapping):
            labels[str(code)] = Label(str(item["value"]), tuple(str(e) for e in item.get("evidence") or ()))
        else:
            labels[str(code)] = Label(str(item))
    return labels


def _binary_codes(instrument: str) -> frozenset[str]:
    try:
        return frozenset(q.code for q in load_instrument(instrument).questions if not q.graded)
    except InstrumentError:  # an instrument this version does not know: every level counts
        return frozenset()


def evaluate(report: Report | Mapping[str, Any], truth: Mapping[str, Any], *, instrument: str) -> Evaluation:
    """Score one report's suggested answers for `instrument` against `truth` ({code: label}).
    `report`: a Report, or the answers of one as JSON (`{"answers": [...]}`, what the eval harness builds)."""
    binary = _binary_codes(instrument)
    items: list[Mapping[str, Any]] = (
        [to_object(a) for a in report.answers] if isinstance(report, Report) else report.get("answers", [])
    )
    answers = {a["question"]: a for a in items if a.get("instrument") == instrument}
    labels = _labels(truth)
    evaluation = Evaluation(instrument)
    for code, label in sorted(labels.items()):
        answer = answers.get(code)
        score = QuestionScore(code, label.value, sites_positive=int(_positive(label.value)))
        if answer is not None and answer.get("outcome") != NOT_TESTED and answer.get("value") is not None:
            score.suggested = str(answer["value"])
            score.outcome = str(answer.get("outcome"))
            score.confidence = float(answer.get("confidence") or 0.0)
            raw = answer.get("raw_confidence")
            score.raw_confidence = float(raw) if raw is not None else None
            if label.value != NOT_TESTED:
                _count(score, label.value, score.suggested, binary=code in binary)
                if label.evidence and _positive(label.value):
                    paths = {_path(e["url"]) for e in answer.get("evidence", [])}
                    score.evidence_match = any(_path(p) in paths for p in label.evidence)
        evaluation.questions.append(score)
    evaluation.answers = list(evaluation.scored)
    evaluation.unlabelled_answers = sum(
        1 for code, a in answers.items() if code not in labels and a.get("outcome") != NOT_TESTED
    )
    return evaluation


def _count(score: QuestionScore, truth: str, suggested: str, *, binary: bool = False) -> None:
    if _positive(truth) and _positive(suggested):
        if truth == suggested or binary:
            score.tp = 1
        else:
            score.fp = score.fn = 1
    elif _positive(suggested):
        score.fp = 1
    elif _positive(truth):
        score.fn = 1
    else:
        score.tn = 1


def combine(evaluations: Iterable[Evaluation]) -> Evaluation:
    """Several sites' evaluations of one instrument, summed per question (the per-question
    precision and recall then say how a detector does across sites)."""
    items = list(evaluations)
    merged = Evaluation(items[0].instrument if items else "")
    by_code: dict[str, QuestionScore] = {}
    for evaluation in items:
        merged.unlabelled_answers += evaluation.unlabelled_answers
        merged.answers += evaluation.answers
        for q in evaluation.questions:
            total = by_code.get(q.question)
            if total is None:
                by_code[q.question] = replace(q)
                continue
            total.tp, total.fp, total.fn, total.tn = total.tp + q.tp, total.fp + q.fp, total.fn + q.fn, total.tn + q.tn
            total.sites += q.sites
            total.sites_positive += q.sites_positive
            if total.suggested is None:  # covered on any site = covered
                total.suggested, total.outcome = q.suggested, q.outcome
    merged.questions = sorted(by_code.values(), key=lambda q: q.question)
    return merged


# --- calibration ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    low: float
    high: float
    answers: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.right, self.answers)


CALIBRATION_EDGES = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)


def calibration(evaluation: Evaluation, *, raw: bool = False) -> list[CalibrationRow]:
    """Answers per band of confidence (the calibrated one, or with `raw` the detectors' own) and how
    many of them were right: a calibrated confidence matches its band's accuracy."""
    rows = []
    for low, high in itertools.pairwise(CALIBRATION_EDGES):
        inside = [
            q
            for q in evaluation.answers
            if low <= ((q.raw_confidence if q.raw_confidence is not None else q.confidence) if raw else q.confidence)
            < high
        ]
        if inside:
            rows.append(CalibrationRow(low, high, len(inside), sum(1 for q in inside if q.right)))
    return rows


def format_calibration(evaluation: Evaluation) -> Table:
    table = Table(title=f"{evaluation.instrument}: calibration (confidence band vs observed accuracy)")
    for column in ("confidence", "answers", "right", "observed accuracy"):
        table.add_column(column)
    for row in calibration(evaluation):
        table.add_row(f"{row.low:.2f}–{min(row.high, 1.0):.2f}", str(row.answers), str(row.right), _fmt(row.accuracy))
    return table


# --- truth files --------------------------------------------------------------------------------


def load_truth(path: Path | str, *, instrument: str, portal: str | None = None) -> dict[str, Any]:
    """The labels for `instrument` from a truth file: the demo's truth.yaml (portals → <portal> →
    instruments) or a labels file (instruments → …, as tests/eval/labels/*.yaml)."""
    data = load_yaml(Path(path).read_text(encoding="utf-8"))
    if "portals" in data:
        portals = data["portals"]
        if portal is None:
            if len(portals) != 1:
                raise ValueError(f"{path}: several portals ({', '.join(portals)}); say which")
            portal = next(iter(portals))
        data = portals[portal]
    return dict(data.get("instruments", {}).get(instrument, {}))


# --- display ------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def format_table(evaluation: Evaluation, *, errors_only: bool = False) -> Table:
    """A Rich table: one row per labelled question, then the overall precision and recall."""
    table = Table(title=f"{evaluation.instrument}: suggested answers vs labels")
    for column in ("question", "label", "suggested", "outcome", "result", "evidence", "precision", "recall"):
        table.add_column(column)
    styles = {"TP": "green", "TN": "green", "FP": "red", "FN": "red", "wrong level": "red", "not covered": "dim"}
    for q in evaluation.questions:
        if errors_only and q.verdict in ("TP", "TN", "not covered", "ok (not tested)"):
            continue
        evidence = {True: "matches", False: "other page", None: ""}[q.evidence_match]
        table.add_row(
            f"#{q.question}",
            q.label,
            q.suggested or "—",
            q.outcome + (" (review)" if q.outcome == "needs_review" else "") if q.covered else NOT_TESTED,
            f"[{styles.get(q.verdict, 'yellow')}]{q.verdict}[/]",
            evidence,
            _fmt(q.precision),
            _fmt(q.recall),
        )
    table.caption = (
        f"answered precision {_fmt(evaluation.answered_precision)} (decided answers), "
        f"present recall {_fmt(evaluation.present_recall)} (of {evaluation.labelled_present} labelled present); "
        f"overall precision {_fmt(evaluation.precision)}, recall {_fmt(evaluation.recall)}, "
        f"accuracy {_fmt(evaluation.accuracy)} on {len(evaluation.scored)} covered questions "
        f"(TP {evaluation.tp}, FP {evaluation.fp}, FN {evaluation.fn}, TN {evaluation.tn}); "
        f"{len(evaluation.not_covered)} labelled questions not covered; "
        f"{len(evaluation.needs_review)} answered as needs_review"
    )
    return table
