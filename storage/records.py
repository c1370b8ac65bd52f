"""Plain, frozen records that the repositories return (the mappers to and from rows are in `mappers`).

Callers never see ORM objects or sessions: every value here is detached, immutable (apart from the
dicts the domain types themselves carry) and safe to hand to another thread or process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from audits.result import AuditNode, AuditResult
from crawler.site import SiteConfig
from crawler.snapshot import PageFetch, ScanStatus
from rules.findings import Finding, SuggestedAnswer
from storage.status import RunStatus


class DuplicateVisit(Exception):
    """The page was already recorded in this run; the crawler must visit a page once per run."""

    def __init__(self, run_id: int, url: str) -> None:
        super().__init__(f"page {url!r} was already visited in run {run_id}")
        self.run_id = run_id
        self.url = url


@dataclass(frozen=True, slots=True)
class SiteRecord:
    id: int
    config: SiteConfig
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        return self.config.name


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitRecord(PageFetch):
    """One page as fetched in one run, with the audit results recorded against it. Its
    `requested_url` (normalised) identifies the page across runs."""

    id: int
    page_id: int
    fetch_ms: float
    render_ms: float
    rendered: bool
    render_reason: str
    fetched_at: datetime
    audits: tuple[AuditResult, ...] = ()


@dataclass(frozen=True, slots=True)
class FindingRecord:
    id: int
    finding: Finding


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    answer_id: int
    user_id: int
    user_name: str
    role: str
    decision: str  # accept / reject / override
    final_value: str | None
    comment: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """A stored suggestion with the ids of the findings behind it and its reviews, oldest first."""

    id: int
    answer: SuggestedAnswer
    finding_ids: tuple[int, ...]
    created_at: datetime
    reviews: tuple[ReviewRecord, ...] = ()

    @property
    def latest_review(self) -> ReviewRecord | None:
        return self.reviews[-1] if self.reviews else None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything one run produced, as the report renderers read it."""

    id: int
    site: SiteRecord
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    settings: dict[str, Any]
    stats: dict[str, Any]
    error: str
    as_of: date | None
    visits: tuple[VisitRecord, ...]
    findings: tuple[FindingRecord, ...]  # every finding of the run, including those behind answers
    answers: tuple[AnswerRecord, ...]

    @property
    def site_config(self) -> SiteConfig:
        return self.site.config

    @property
    def audit_results(self) -> tuple[AuditResult, ...]:
        return tuple(result for visit in self.visits for result in visit.audits)

    @property
    def suggested_answers(self) -> tuple[SuggestedAnswer, ...]:
        return tuple(record.answer for record in self.answers)

    def answer_for(self, instrument: str, question: str) -> AnswerRecord | None:
        return next(
            (a for a in self.answers if a.answer.instrument == instrument and a.answer.question == question),
            None,
        )


@dataclass(frozen=True, slots=True)
class RunSite:
    """The site a run belongs to and where the run is: what `crawl --resume` starts from."""

    site_id: int
    site: SiteConfig
    status: RunStatus


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """Where one page of a run ended and how (the progress listing of a crawl)."""

    requested_url: str
    final_url: str
    status: ScanStatus
    depth: int
    status_code: int | None
    reason: str


# --- JSON shapes of nested values -----------------------------------------------------------------


def nodes_to_json(nodes: Iterable[AuditNode]) -> list[dict[str, Any]]:
    """A node's images (review crops) are written only when it has some."""
    out: list[dict[str, Any]] = []
    for n in nodes:
        node: dict[str, Any] = {"selector": n.selector, "html": n.html, "message": n.message}
        if n.images:
            node["images"] = list(n.images)
        out.append(node)
    return out


def nodes_from_json(items: Sequence[dict[str, Any]]) -> tuple[AuditNode, ...]:
    return tuple(AuditNode(n["selector"], n["html"], n.get("message", ""), tuple(n.get("images", ()))) for n in items)


# --- the assessor web app -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    name: str
    role: str
    password_hash: str
    countries: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CountryAnswer:
    """A suggested answer with where it came from: what a country's review queue is built of."""

    site_id: int
    site_name: str
    site_kind: str
    run_id: int
    record: AnswerRecord


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    country: str
    edition: str
    tii: float | None
    hci: float | None
    source: str
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class CountryInstrument:
    """A country and an instrument it has suggested answers for (one review queue)."""

    country: str
    instrument: str


@dataclass(frozen=True, slots=True)
class AnswerPlace(CountryInstrument):
    """Where a suggested answer belongs, its queue and question: what a permission check needs."""

    question: str
