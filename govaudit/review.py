"""Where a question stands: the machine's suggestions over runs and the humans' decisions on them.

Reviews are append-only and point at the suggestion they were made on. A later run adds a new
suggestion and never touches a review, so a question's state is rebuilt here from its history (the two
latest suggestions of each site and every reviewed one: `AnswerRepository.of_country`):
the latest word of each person counts, a reviewer's word settles the question, and a decision made on
an older suggestion stays in force but is flagged when the new evidence disagrees with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from govaudit.marks import N_
from rules.instruments import Instrument, Question, load_instrument
from storage import Store
from storage.records import AnswerRecord, CountryAnswer, ReviewRecord

PRESENT, ABSENT = "present", "absent"
REVIEWER_ROLES = ("reviewer", "admin")

# Statuses of a question, in the order a reviewer works through them.
UNREVIEWED, ONE_ASSESSOR, DISCREPANCY, AGREED, RESOLVED = (
    "unreviewed",
    "one_assessor",
    "discrepancy",
    "agreed",
    "resolved",
)
STATUS_LABELS = {
    UNREVIEWED: N_("Not reviewed"),
    ONE_ASSESSOR: N_("One assessor"),
    DISCREPANCY: N_("Assessors disagree"),
    AGREED: N_("Assessors agree"),
    RESOLVED: N_("Resolved by reviewer"),
}
FINAL_STATUSES = (AGREED, RESOLVED)


@dataclass(frozen=True, slots=True)
class EvidenceChange:
    """What a later run says that differs from what a human decided on."""

    old_value: str | None
    new_value: str | None
    human_value: str | None
    added_urls: tuple[str, ...]
    removed_urls: tuple[str, ...]
    old_rationale: str
    new_rationale: str
    new_run_id: int


@dataclass(frozen=True, slots=True)
class Decision:
    review: ReviewRecord
    answer: AnswerRecord  # the suggestion the person saw when deciding
    changed: EvidenceChange | None = None


@dataclass(frozen=True, slots=True)
class QuestionState:
    question: Question
    current: CountryAnswer | None  # the latest suggestion
    history: tuple[CountryAnswer, ...]  # the suggestions the queue reads (of_country), oldest first
    assessors: tuple[Decision, ...]  # the latest decision of each assessor, oldest first
    reviewer: Decision | None
    trail: tuple[ReviewRecord, ...]  # every review, oldest first (the audit trail)

    @property
    def status(self) -> str:
        if self.reviewer is not None:
            return RESOLVED
        values = {d.review.final_value for d in self.assessors}
        if len(self.assessors) >= 2:
            return AGREED if len(values) == 1 else DISCREPANCY
        return ONE_ASSESSOR if self.assessors else UNREVIEWED

    @property
    def final(self) -> Decision | tuple[Decision, ...] | None:
        if self.reviewer is not None:
            return self.reviewer
        return self.assessors if self.status == AGREED else None

    @property
    def final_value(self) -> str | None:
        if self.reviewer is not None:
            return self.reviewer.review.final_value
        return self.assessors[0].review.final_value if self.status == AGREED else None

    @property
    def decided_by(self) -> str:
        if self.reviewer is not None:
            return self.reviewer.review.user_name
        if self.status == AGREED:
            return " & ".join(d.review.user_name for d in self.assessors)
        return ""

    @property
    def decided_at(self) -> datetime | None:
        if self.reviewer is not None:
            return self.reviewer.review.created_at
        if self.status == AGREED:
            return max(d.review.created_at for d in self.assessors)
        return None

    @property
    def evidence_changed(self) -> bool:
        decisions = [self.reviewer] if self.reviewer is not None else list(self.assessors)
        return any(d.changed is not None for d in decisions)

    def decision_of(self, user_id: int) -> Decision | None:
        decisions: tuple[Decision, ...] = (*self.assessors, *((self.reviewer,) if self.reviewer else ()))
        return next((d for d in decisions if d.review.user_id == user_id), None)

    @property
    def evidence_url(self) -> str:
        """The evidence URL behind the final value: the decided-on suggestion's first one."""
        decision = self.reviewer or (self.assessors[0] if self.assessors else None)
        answer = decision.answer if decision else (self.current.record if self.current else None)
        return answer.answer.evidence[0].url if answer and answer.answer.evidence else ""


def allowed_values(question: Question) -> tuple[str, ...]:
    """What a human may record: present/absent, or absent and the graded levels (lowest first)."""
    return (ABSENT, *question.levels) if question.graded else (PRESENT, ABSENT)


def rejected_value(question: Question, suggested: str | None) -> str | None:
    """The value a "reject" stands for: the other value of a binary question. None where it is not
    determined (graded or no suggestion): the person must override with a value instead."""
    if question.graded or suggested not in (PRESENT, ABSENT):
        return None
    return ABSENT if suggested == PRESENT else PRESENT


def preferred_kinds(instrument: Instrument) -> tuple[str, ...]:
    # LOSI is assessed on the city portal, the rest of the national instruments on the national portal.
    return ("city_portal",) if instrument.id == "LOSI" else ("national_portal",)


def build_states(instrument: Instrument, answers: Sequence[CountryAnswer]) -> list[QuestionState]:
    """One state per question of the instrument, in the instrument's order."""
    kinds = preferred_kinds(instrument)
    preferred = [a for a in answers if a.site_kind in kinds]
    chosen = preferred or list(answers)
    by_code: dict[str, list[CountryAnswer]] = {}
    for item in sorted(chosen, key=lambda a: (a.record.created_at, a.record.id)):
        by_code.setdefault(item.record.answer.question, []).append(item)
    return [_state(q, by_code.get(q.code, [])) for q in instrument.questions]


def _state(question: Question, history: list[CountryAnswer]) -> QuestionState:
    current = history[-1] if history else None
    trail = sorted((r for h in history for r in h.record.reviews), key=lambda r: (r.created_at, r.id))
    if not trail:  # nobody has decided yet, the state of most questions of a queue being worked through
        return QuestionState(question, current, tuple(history), (), None, ())
    answers = {h.record.id: h.record for h in history}
    latest: dict[tuple[str, int], ReviewRecord] = {}
    for review in trail:
        side = "reviewer" if review.role in REVIEWER_ROLES else "assessor"
        latest[(side, review.user_id)] = review
    assessors = tuple(
        _decision(r, answers[r.answer_id], current)
        for (side, _), r in sorted(latest.items(), key=lambda kv: kv[1].created_at)
        if side == "assessor"
    )
    reviewer_reviews = [r for (side, _), r in latest.items() if side == "reviewer"]
    reviewer = None
    if reviewer_reviews:
        last = max(reviewer_reviews, key=lambda r: (r.created_at, r.id))
        reviewer = _decision(last, answers[last.answer_id], current)
    return QuestionState(question, current, tuple(history), assessors, reviewer, tuple(trail))


def _decision(review: ReviewRecord, seen: AnswerRecord, current: CountryAnswer | None) -> Decision:
    return Decision(review, seen, evidence_change(review, seen, current))


def evidence_change(review: ReviewRecord, seen: AnswerRecord, current: CountryAnswer | None) -> EvidenceChange | None:
    """Flag a decision when a later suggestion disagrees with it *and* is not simply the suggestion the
    person already overruled (same value, same evidence URLs): the flag means "look again"."""
    if current is None or current.record.id == seen.id or current.record.created_at < seen.created_at:
        return None
    new, old = current.record.answer, seen.answer
    if new.value == review.final_value:
        return None
    old_urls, new_urls = _urls(old.evidence), _urls(new.evidence)
    if new.value == old.value and old_urls == new_urls:
        return None
    return EvidenceChange(
        old_value=old.value,
        new_value=new.value,
        human_value=review.final_value,
        added_urls=tuple(u for u in new_urls if u not in old_urls),
        removed_urls=tuple(u for u in old_urls if u not in new_urls),
        old_rationale=old.rationale,
        new_rationale=new.rationale,
        new_run_id=current.run_id,
    )


def _urls(evidence: Iterable[object]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in evidence:
        seen.setdefault(getattr(item, "url", ""), None)
    return tuple(seen)


def discrepancy_rate(states: Sequence[QuestionState]) -> tuple[int, int]:
    """(questions where two assessors differ, questions two assessors both answered). A resolved
    question still counts if its assessors had differed: the rate measures the assessors."""
    both = [s for s in states if len(s.assessors) >= 2]
    differ = [s for s in both if len({d.review.final_value for d in s.assessors}) > 1]
    return len(differ), len(both)


@lru_cache(maxsize=16)
def instrument(key: str) -> Instrument:
    """Instruments are frozen data: load each once per process."""
    return load_instrument(key)


def country_states(store: Store, country: str, key: str, site_id: int | None = None) -> list[QuestionState]:
    answers = store.answers.of_country(country, key)
    if site_id is not None:
        answers = [a for a in answers if a.site_id == site_id]
    return build_states(instrument(key), answers)


def final_values(states: Iterable[QuestionState]) -> dict[str, str | None]:
    """Approved values by question code: a reviewer's resolution, or two assessors who agree."""
    return {s.question.code: s.final_value for s in states if s.status in FINAL_STATUSES}


def projected_values(states: Iterable[QuestionState]) -> dict[str, str | None]:
    """Values as the suggestions stand: the approved value where there is one, else the latest
    suggestion's (what the score would be if every open suggestion were accepted)."""
    return {
        s.question.code: s.final_value
        if s.status in FINAL_STATUSES or s.current is None
        else s.current.record.answer.value
        for s in states
        if s.current is not None or s.status in FINAL_STATUSES
    }
