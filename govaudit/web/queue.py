"""The review queue as data: which questions a filter keeps, in which order, how far each subindex has
got, and which suggestions a bulk accept takes. Pure functions on `QuestionState`s (review.py), so the
pages and the tests share one definition.

Blindness holds here too: an assessor filters on their own decisions only ("mine", "not mine"); only
a reviewer filters by assessor or on disagreements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from govaudit.marks import N_
from govaudit.review import DISCREPANCY, QuestionState
from storage.records import UserRecord

SHOW = {
    "all": N_("All questions"),
    "todo": N_("Still to decide"),
    "flagged": N_("Evidence changed"),
    "review": N_("Needs review"),
}
OUTCOMES = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "needs_review": N_("needs review"),
    "not_tested": N_("not tested"),
    "inapplicable": N_("inapplicable"),
    "error": N_("error"),
}
# Confidence bands: (label, lowest included, highest excluded).
BANDS = {
    "high": (N_("high (0.80 and above)"), 0.8, 1.01),
    "medium": (N_("medium (0.50 to 0.79)"), 0.5, 0.8),
    "low": (N_("low (below 0.50)"), 0.0, 0.5),
}
SORTS = {
    "code": N_("Survey order"),
    "confidence_desc": N_("Confidence, highest first"),
    "confidence_asc": N_("Confidence, lowest first"),
    "outcome": N_("Outcome"),
    "status": N_("Your decision, undecided first"),
}
WHO_ASSESSOR = {"mine": N_("Decided by me"), "not_mine": N_("Not decided by me")}
WHO_REVIEWER = {
    **WHO_ASSESSOR,
    "disagree": N_("Assessors disagree"),
    "one": N_("Only one assessor decided"),
    "none": N_("No assessor decided"),
}
MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class QueueFilter:
    show: str = "all"
    subindex: str = ""
    outcome: str = ""
    band: str = ""
    who: str = ""
    q: str = ""
    sort: str = "code"

    @classmethod
    def from_params(cls, params: Mapping[str, str], subindices: Sequence[str], reviewer: bool) -> QueueFilter:
        """The filter a query string asks for; anything unknown falls back to its default."""

        def pick(name: str, allowed: Sequence[str], default: str = "") -> str:
            value = str(params.get(name, default) or default)
            return value if value in allowed else default

        who = WHO_REVIEWER if reviewer else WHO_ASSESSOR
        return cls(
            show=pick("show", tuple(SHOW), "all"),
            subindex=pick("subindex", tuple(subindices)),
            outcome=pick("outcome", tuple(OUTCOMES)),
            band=pick("band", tuple(BANDS)),
            who=pick("who", tuple(who)),
            q=" ".join(str(params.get("q", "")).split())[:MAX_SEARCH],
            sort=pick("sort", tuple(SORTS), "code"),
        )

    def params(self) -> dict[str, str]:
        """Only what differs from the defaults, so links stay short and readable."""
        default = QueueFilter()
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)
        }

    def query(self, **change: str) -> str:
        """`?…` for this filter (or a changed copy), "" when it is all defaults."""
        params = replace(self, **change).params() if change else self.params()
        return "?" + urlencode(params) if params else ""

    @property
    def active(self) -> bool:
        return bool(self.params())


def _todo(state: QuestionState, user: UserRecord) -> bool:
    own = state.decision_of(user.id)
    return state.current is not None and (own is None or own.changed is not None)


def flagged(state: QuestionState, user: UserRecord, reviewer: bool) -> bool:
    if reviewer:
        return state.evidence_changed
    own = state.decision_of(user.id)
    return own is not None and own.changed is not None


def _keeps(state: QuestionState, f: QueueFilter, user: UserRecord, reviewer: bool) -> bool:
    answer = state.current.record.answer  # type: ignore[union-attr]  # only states with a suggestion
    checks = (
        f.show != "todo" or _todo(state, user),
        f.show != "flagged" or flagged(state, user, reviewer),
        f.show != "review" or str(answer.outcome) == "needs_review",
        not f.subindex or f.subindex in state.question.subindices,
        not f.outcome or str(answer.outcome) == f.outcome,
        not f.band or BANDS[f.band][1] <= answer.confidence < BANDS[f.band][2],
        _who(state, f.who, user),
        not f.q or _matches(state, f.q),
    )
    return all(checks)


def _who(state: QuestionState, who: str, user: UserRecord) -> bool:
    if not who:
        return True
    if who in ("mine", "not_mine"):
        return (state.decision_of(user.id) is not None) == (who == "mine")
    return {
        "disagree": state.status == DISCREPANCY,
        "one": len(state.assessors) == 1,
        "none": not state.assessors,
    }[who]


def _matches(state: QuestionState, text: str) -> bool:
    q = state.question
    haystack = " ".join((q.code, q.title, q.note or "", q.subindex)).casefold()
    return all(word in haystack for word in text.casefold().split())


def _sort_key(state: QuestionState, sort: str, user: UserRecord, order: int) -> tuple[object, ...]:
    answer = state.current.record.answer  # type: ignore[union-attr]
    if sort == "confidence_desc":
        return (-answer.confidence, order)
    if sort == "confidence_asc":
        return (answer.confidence, order)
    if sort == "outcome":
        return (tuple(OUTCOMES).index(str(answer.outcome)) if str(answer.outcome) in OUTCOMES else 99, order)
    if sort == "status":
        return (not _todo(state, user), order)
    return (order,)


def apply(states: Sequence[QuestionState], f: QueueFilter, user: UserRecord, reviewer: bool) -> list[QuestionState]:
    """The questions with a suggestion that the filter keeps, in its order (the Survey's by default)."""
    indexed = [(i, s) for i, s in enumerate(states) if s.current is not None]
    kept = [(i, s) for i, s in indexed if _keeps(s, f, user, reviewer)]
    return [s for i, s in sorted(kept, key=lambda pair: _sort_key(pair[1], f.sort, user, pair[0]))]


@dataclass(frozen=True, slots=True)
class SubindexProgress:
    code: str
    name: str
    decided: int  # by this person (an assessor), or approved (a reviewer)
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.decided / self.total) if self.total else 0


def progress(
    states: Sequence[QuestionState], names: Mapping[str, str], user: UserRecord, reviewer: bool
) -> list[SubindexProgress]:
    """Per subindex: questions with a suggestion, and how many are decided (yours, or approved)."""
    rows = []
    for code, name in names.items():
        mine = [s for s in states if s.current is not None and s.question.subindex == code]
        if not mine:
            continue
        if reviewer:
            done = sum(1 for s in mine if s.final_value is not None)
        else:
            done = sum(1 for s in mine if not _todo(s, user))
        rows.append(SubindexProgress(code, name, done, len(mine)))
    return rows


def bulk_candidates(states: Sequence[QuestionState], user: UserRecord, min_confidence: float) -> list[QuestionState]:
    """What "accept every suggestion of this filter at or above a confidence" takes: suggestions with a
    value, confident enough, that this person has not decided yet (or whose evidence changed since)."""
    return [
        s
        for s in states
        if s.current is not None
        and s.current.record.answer.value is not None
        and s.current.record.answer.confidence >= min_confidence
        and _todo(s, user)
    ]


def describe(f: QueueFilter, min_confidence: float) -> str:
    """The bulk action as its reviews record it (English, like every stored comment)."""
    parts = [f"{k}={v}" for k, v in f.params().items() if k != "sort"]
    where = ", ".join(parts) if parts else "all questions"
    return f"bulk accept (filter: {where}; confidence >= {min_confidence:.2f})"
