"""Plain, frozen records that the store returns, and conversions between rows and domain types.

Callers never see ORM objects or sessions: every value here is detached, immutable (apart from the
dicts the domain types themselves carry) and safe to hand to another thread or process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import PageSnapshot, ScanStatus
from rules.findings import Evidence, Finding, SuggestedAnswer
from storage import models


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


@dataclass(frozen=True, slots=True)
class VisitRecord:
    """One page as fetched in one run, with the audit results recorded against it."""

    id: int
    page_id: int
    url: str  # the requested (normalised) URL, which identifies the page across runs
    final_url: str
    depth: int
    status: ScanStatus
    status_code: int | None
    reason: str
    redirect_chain: tuple[str, ...]
    content_type: str
    content_length: int
    content_hash: str
    fetch_ms: float
    render_ms: float
    rendered: bool
    render_reason: str
    title: str
    language: str
    headers: dict[str, str]
    fetched_at: datetime
    audits: tuple[AuditResult, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is ScanStatus.OK


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
    status: str
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


# --- domain -> JSON ---------------------------------------------------------------------------


def evidence_to_json(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {"url": e.url, "selector": e.selector, "quote": e.quote, "language": e.language, "depth": e.depth}
        for e in evidence
    ]


def nodes_to_json(nodes: Iterable[AuditNode]) -> list[dict[str, Any]]:
    """A node's images (review crops) are written only when it has some."""
    out: list[dict[str, Any]] = []
    for n in nodes:
        node: dict[str, Any] = {"selector": n.selector, "html": n.html, "message": n.message}
        if n.images:
            node["images"] = list(n.images)
        out.append(node)
    return out


def site_values(cfg: SiteConfig) -> dict[str, Any]:
    return {
        "name": cfg.name,
        "country": cfg.country,
        "kind": str(cfg.kind),
        "start_urls": list(cfg.start_urls),
        "domains": list(cfg.domains),
        "languages": list(cfg.languages),
        "max_pages": cfg.max_pages,
        "max_depth": cfg.max_depth,
        "allow_private": cfg.allow_private,
        "extra": dict(cfg.extra),
    }


def finding_row(run_id: int, finding: Finding) -> models.FindingRow:
    return models.FindingRow(
        run_id=run_id,
        rule_id=finding.rule_id,
        rule_version=finding.rule_version,
        instrument=finding.instrument,
        question=finding.question,
        value=finding.value,
        confidence=finding.confidence,
        evidence=evidence_to_json(finding.evidence),
        note=finding.note,
    )


# --- rows -> domain ---------------------------------------------------------------------------


def evidence_from_json(items: Sequence[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            url=i["url"],
            selector=i.get("selector", ""),
            quote=i.get("quote", ""),
            language=i.get("language", ""),
            depth=i.get("depth"),
        )
        for i in items
    )


def site_record(row: models.SiteRow) -> SiteRecord:
    config = SiteConfig(
        name=row.name,
        start_urls=tuple(row.start_urls),
        country=row.country,
        kind=SiteKind(row.kind),
        domains=tuple(row.domains),
        languages=tuple(row.languages),
        max_pages=row.max_pages,
        max_depth=row.max_depth,
        allow_private=row.allow_private,
        extra=dict(row.extra),
    )
    return SiteRecord(id=row.id, config=config, created_at=row.created_at, updated_at=row.updated_at)


def audit_result(row: models.AuditResultRow) -> AuditResult:
    return AuditResult(
        page_url=row.page_url,
        engine=row.engine,
        engine_version=row.engine_version,
        rule_id=row.rule_id,
        outcome=Outcome(row.outcome),
        wcag=tuple(row.wcag),
        is_wcag=row.is_wcag,
        impact=row.impact,
        description=row.description,
        help_url=row.help_url,
        nodes=tuple(
            AuditNode(n["selector"], n["html"], n.get("message", ""), tuple(n.get("images", ()))) for n in row.nodes
        ),
        reason=row.reason,
    )


def visit_values(snap: PageSnapshot, digest: dict[str, Any]) -> dict[str, Any]:
    """The page_visits columns that come from a snapshot."""
    return {
        "depth": snap.depth,
        "status": str(snap.status),
        "status_code": snap.status_code,
        "reason": snap.reason,
        "final_url": snap.final_url,
        "redirect_chain": list(snap.redirect_chain),
        "content_type": snap.content_type,
        "content_length": snap.content_length,
        "content_hash": snap.content_hash,
        "fetch_ms": snap.fetch_ms,
        "render_ms": snap.render_ms,
        "rendered": snap.rendered,
        "render_reason": snap.render_reason,
        "title": snap.title,
        "language": snap.language,
        "headers": dict(snap.headers),
        "via": snap.via,
        # A carried page is the visit it refers to: its digest is not written again.
        "digest": None if snap.carried_from is not None else digest,
        "carried_from_id": snap.carried_from,
        "confirmed_at": snap.confirmed_at,
        "assets": dict(snap.assets) if snap.assets is not None else None,
    }


def light_snapshot(row: models.PageVisitRow, digest: dict[str, Any] | None = None) -> PageSnapshot:
    """A recorded visit as a markup-free snapshot the rules can read again. A carried visit keeps
    no digest of its own: pass the digest of the visit it carries forward."""
    from storage.digest import snapshot_from_digest

    return snapshot_from_digest(
        digest if digest is not None else (row.digest or {}),
        requested_url=row.page.url,
        final_url=row.final_url,
        depth=row.depth,
        status=ScanStatus(row.status),
        status_code=row.status_code,
        reason=row.reason,
        redirect_chain=tuple(row.redirect_chain),
        headers=dict(row.headers),
        content_type=row.content_type,
        content_length=row.content_length,
        content_hash=row.content_hash,
        fetch_ms=row.fetch_ms,
        render_ms=row.render_ms,
        render_reason=row.render_reason,
        via=row.via,
        carried_from=row.carried_from_id,
    )


def visit_record(row: models.PageVisitRow, audits: Sequence[models.AuditResultRow]) -> VisitRecord:
    return VisitRecord(
        id=row.id,
        page_id=row.page_id,
        url=row.page.url,
        final_url=row.final_url,
        depth=row.depth,
        status=ScanStatus(row.status),
        status_code=row.status_code,
        reason=row.reason,
        redirect_chain=tuple(row.redirect_chain),
        content_type=row.content_type,
        content_length=row.content_length,
        content_hash=row.content_hash,
        fetch_ms=row.fetch_ms,
        render_ms=row.render_ms,
        rendered=row.rendered,
        render_reason=row.render_reason,
        title=row.title,
        language=row.language,
        headers=dict(row.headers),
        fetched_at=row.fetched_at,
        audits=tuple(audit_result(a) for a in audits),
    )


def finding(row: models.FindingRow) -> Finding:
    return Finding(
        rule_id=row.rule_id,
        rule_version=row.rule_version,
        instrument=row.instrument,
        question=row.question,
        value=row.value,
        confidence=row.confidence,
        evidence=evidence_from_json(row.evidence),
        note=row.note,
    )


def review_record(row: models.ReviewRow) -> ReviewRecord:
    return ReviewRecord(
        id=row.id,
        answer_id=row.answer_id,
        user_id=row.user_id,
        user_name=row.user.name,
        role=row.role,
        decision=row.decision,
        final_value=row.final_value,
        comment=row.comment,
        created_at=row.created_at,
    )


def answer_record(
    row: models.SuggestedAnswerRow,
    findings: Sequence[models.FindingRow],
    reviews: Sequence[models.ReviewRow] = (),
) -> AnswerRecord:
    answer = SuggestedAnswer(
        instrument=row.instrument,
        edition=row.edition,
        question=row.question,
        value=row.value,
        outcome=Outcome(row.outcome),
        confidence=row.confidence,
        rationale=row.rationale,
        evidence=evidence_from_json(row.evidence),
        findings=tuple(finding(f) for f in findings),
    )
    return AnswerRecord(
        id=row.id,
        answer=answer,
        finding_ids=tuple(f.id for f in findings),
        created_at=row.created_at,
        reviews=tuple(review_record(r) for r in reviews),
    )


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


def user_record(row: models.UserRow) -> UserRecord:
    return UserRecord(
        id=row.id,
        name=row.name,
        role=row.role,
        password_hash=row.password_hash,
        countries=tuple(row.countries),
        created_at=row.created_at,
    )
