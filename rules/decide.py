"""Deciders: from the findings of a run to one suggested answer per question.

Every question of the instrument gets an answer: a value with a confidence, or `not_tested`
with the reason (not crawlable, no detector yet, nothing to read). A human sees every
`needs_review` one; nothing below the confidence threshold is passed off as decided — an
"absent" the detectors are not sure of is `needs_review`, never a silent "no".

The confidence of an answer is calibrated (rules/calibration.py): the accuracy that answers of
its kind and band showed on the labelled development set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from audits.outcome import Outcome
from rules.calibration import Calibration, cue_of, load_calibration
from rules.findings import ABSENT, ERROR, Evidence, Finding, SuggestedAnswer
from rules.instruments import Instrument, Question

DECIDED_AT = 0.7  # below this confidence the answer goes to review
MAX_EVIDENCE = 5


def _nearest_first(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    unique = dict.fromkeys(evidence)
    # The address breaks ties of depth: otherwise the crawl's order, which differs between runs of the
    # same site, would decide which pages of one depth are kept.
    return tuple(sorted(unique, key=lambda e: (e.depth is None, e.depth or 0, e.url)))[:MAX_EVIDENCE]


def decide_question(
    instrument: Instrument,
    question: Question,
    findings: Sequence[Finding],
    covered: bool,
    calibration: Calibration | None = None,
) -> SuggestedAnswer:
    base: dict[str, Any] = {"instrument": instrument.key, "edition": instrument.edition, "question": question.code}
    failures = [f for f in findings if f.value == ERROR]
    findings = [f for f in findings if f.value != ERROR]
    if failures and not findings:  # a module failed and no other one answered: say so, with why
        return SuggestedAnswer(
            **base,
            value=None,
            outcome=Outcome.ERROR,
            confidence=0.0,
            rationale="; ".join(dict.fromkeys(f.note for f in failures)),
            findings=tuple(failures),
        )
    if not findings:
        if not question.crawlable:
            reason = f"Not visible to a crawler: {question.not_crawlable_reason}"
        elif covered:
            reason = "The detector for this question had no page to read."
        else:
            reason = "No detector covers this question yet; an assessor must check it."
        return SuggestedAnswer(
            **base, value=None, outcome=Outcome.NOT_TESTED, confidence=0.0, rationale=reason
        )
    present = [f for f in findings if f.value != ABSENT]
    pool = present or list(findings)
    # Prefer the surest finding, then the one nearest the home page ("findable in reasonable time").
    best = max(pool, key=lambda f: (f.confidence, -min((e.depth or 0 for e in f.evidence), default=99)))
    outcome = Outcome.PASSED if present else Outcome.FAILED
    cue = cue_of(best.rule_id, best.note)
    confidence = (calibration or load_calibration())(best.value, best.confidence, cue)
    if confidence < DECIDED_AT:
        outcome = Outcome.NEEDS_REVIEW
    return SuggestedAnswer(
        **base,
        value=best.value,
        outcome=outcome,
        confidence=confidence,
        raw_confidence=best.confidence,
        cue=cue,
        rationale=best.note,
        evidence=_nearest_first(e for f in pool for e in f.evidence),
        findings=tuple(findings),
    )


def decide(
    instrument: Instrument,
    findings: Iterable[Finding],
    covered: set[tuple[str, str]],
    calibration: Calibration | None = None,
) -> list[SuggestedAnswer]:
    by_question: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.instrument == instrument.key:
            by_question[finding.question].append(finding)
    return [
        decide_question(
            instrument, q, by_question.get(q.code, []), (instrument.key, q.code) in covered, calibration
        )
        for q in instrument.questions
    ]
