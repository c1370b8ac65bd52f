"""The run's suggested survey answers as the report lists them: calibrated and raw confidence, the
cue, what an "absent" searched, the evidence."""

from __future__ import annotations

from reports.types import Answer, Searched
from rules.calibration import cue_of
from rules.findings import SuggestedAnswer
from rules.instruments import InstrumentError, load_instrument
from storage.records import RunRecord


def answers_of(run: RunRecord) -> tuple[Answer, ...]:
    titles = _question_titles({a.answer.instrument for a in run.answers})
    return tuple(_answer(record.id, record.answer, titles) for record in run.answers)


def _question_titles(keys: set[str]) -> dict[tuple[str, str], str]:
    titles = {}
    for key in keys:
        try:
            instrument = load_instrument(key)
        except (InstrumentError, FileNotFoundError, KeyError):
            continue
        titles.update({(key, q.code): q.title for q in instrument.questions})
    return titles


def _answer(answer_id: int, a: SuggestedAnswer, titles: dict[tuple[str, str], str]) -> Answer:
    return Answer(
        id=answer_id,
        instrument=a.instrument,
        question=a.question,
        title=titles.get((a.instrument, a.question), ""),
        value=a.value,
        outcome=str(a.outcome),
        confidence=round(a.confidence, 2),
        raw_confidence=_detector_confidence(a),
        cue=_cue(a),
        rationale=a.rationale,
        evidence=tuple(a.evidence),  # the domain's own record: report.json writes its fields as they are
        # How many pages were searched, the most likely ones, the terms tried.
        searched=Searched(pages=a.searched_count, likely=tuple(a.searched), terms=tuple(a.terms))
        if a.searched_count
        else None,
    )


def _detector_confidence(answer: SuggestedAnswer) -> float | None:
    """The confidence the detectors gave, before calibration (rules/calibration.py): the surest
    finding behind the answer's value, as the decider chose it."""
    if answer.raw_confidence is not None:
        return round(answer.raw_confidence, 3)
    present = [f.confidence for f in answer.findings if f.value != "absent"]
    pool = present or [f.confidence for f in answer.findings]
    return round(max(pool), 3) if pool else None


def _cue(answer: SuggestedAnswer) -> str:
    """The cue the answer's confidence was calibrated as (the same choice as rules/decide.py)."""
    if answer.cue or not answer.findings:
        return answer.cue
    present = [f for f in answer.findings if f.value != "absent"]
    best = max(present or answer.findings, key=lambda f: f.confidence)
    return cue_of(best.rule_id, best.note)
