"""One mapper per record kind, between the domain types and their `…Row` tables.

Each field is named in its domain dataclass and in its table, nowhere else: a `Mapper` pairs them by
name. What is listed here is only what differs: a column named otherwise, a JSON shape, a field a
table does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row

from audits.result import AuditResult, ElementShot
from crawler.site import SiteConfig
from crawler.snapshot import Link, PageDigest, PageSnapshot
from rules.findings import Evidence, Finding, SuggestedAnswer
from storage import models
from storage.digest import digest_fields
from storage.mapping import Mapper
from storage.records import (
    AnswerRecord,
    FindingRecord,
    IndicatorRecord,
    ReviewRecord,
    SiteRecord,
    UserRecord,
    VisitRecord,
    nodes_from_json,
    nodes_to_json,
)


def evidence_to_json(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    # Spelt out rather than `dataclasses.asdict`: a run writes one of these per finding, and asdict
    # (which copies recursively) takes several times as long.
    return [
        {"url": e.url, "selector": e.selector, "quote": e.quote, "language": e.language, "depth": e.depth}
        for e in evidence
    ]


def evidence_from_json(items: Sequence[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(Evidence(**item) for item in items)


_EVIDENCE = {"evidence": evidence_from_json}, {"evidence": evidence_to_json}

SITE = Mapper(SiteConfig, models.SiteRow)
AUDIT = Mapper(AuditResult, models.AuditResultRow, load={"nodes": nodes_from_json}, dump={"nodes": nodes_to_json})
SHOT = Mapper(ElementShot, models.ElementScreenshotRow)
FINDING = Mapper(Finding, models.FindingRow, load=_EVIDENCE[0], dump=_EVIDENCE[1])
ANSWER = Mapper(SuggestedAnswer, models.SuggestedAnswerRow, load=_EVIDENCE[0], dump=_EVIDENCE[1])
REVIEW = Mapper(ReviewRecord, models.ReviewRow)
USER = Mapper(UserRecord, models.UserRow)
INDICATOR = Mapper(IndicatorRecord, models.IndicatorRow)
VISIT = Mapper(VisitRecord, models.PageVisitRow)

# A page as fetched, to its visit's columns (`digest` and `rendered` are added by `visit_values`).
_CARRIED = {"carried_from": "carried_from_id"}
SNAPSHOT = Mapper(PageSnapshot, models.PageVisitRow, columns=_CARRIED)
# A visit read back for the rules: title and language come from the digest with the page's content.
DIGEST = Mapper(PageDigest, models.PageVisitRow, columns=_CARRIED, skip=("title", "language"))
# A visit read back for the next crawl's revisit policy: the fetch's facts, none of its timings.
PREVIOUS = Mapper(
    PageSnapshot,
    models.PageVisitRow,
    columns=_CARRIED,
    skip=("reason", "fetch_ms", "render_ms", "render_reason", "confirmed_at"),
    load={"headers": None, "assets": None},  # decoded from JSON for this row alone: nothing to copy
)


def site_record(row: models.SiteRow) -> SiteRecord:
    return SiteRecord(id=row.id, config=SITE.build(row), created_at=row.created_at, updated_at=row.updated_at)


def visit_values(snap: PageSnapshot, digest: dict[str, Any]) -> dict[str, Any]:
    """The page_visits columns that come from a snapshot. A carried page is the visit it refers to:
    its digest is not written again."""
    return {
        **SNAPSHOT.values(snap),
        "rendered": snap.rendered,
        "digest": None if snap.carried_from is not None else digest,
    }


def page_digest(row: models.PageVisitRow, digest: dict[str, Any] | None = None) -> PageDigest:
    """A recorded visit as the rules can read it again. A carried visit keeps no digest of its own:
    pass the digest of the visit it carries forward."""
    stored = digest if digest is not None else (row.digest or {})
    return DIGEST.build(row, requested_url=row.page.url, **digest_fields(stored))


def visit_record(row: models.PageVisitRow, audits: Sequence[models.AuditResultRow | Row[Any]]) -> VisitRecord:
    """`audits`: `AuditResultRow`s, or Core rows of their columns."""
    return VISIT.build(row, requested_url=row.page.url, audits=tuple(AUDIT.build(a) for a in audits))


def finding_values(run_id: int, finding: Finding, visit_id: int | None = None) -> dict[str, Any]:
    """The columns of a finding's row."""
    return {"run_id": run_id, "visit_id": visit_id, **FINDING.values(finding)}


def answer_record(
    row: models.SuggestedAnswerRow | Row[Any],
    cited: Sequence[FindingRecord],
    reviews: Sequence[ReviewRecord] = (),
) -> AnswerRecord:
    """The record of a suggested answer: `row` is a `SuggestedAnswerRow`, or a Core row of its columns;
    `cited`, the findings it rests on, in the decider's order."""
    return AnswerRecord(
        id=row.id,
        answer=ANSWER.build(row, findings=tuple(c.finding for c in cited)),
        finding_ids=tuple(c.id for c in cited),
        created_at=row.created_at,
        reviews=tuple(reviews),
    )


def stored_links(items: Sequence[Sequence[str]], shared: dict[tuple[str, ...], Link]) -> tuple[Link, ...]:
    """Stored links as `Link`s, each distinct one made once (a site's navigation is on every page)."""
    return tuple(shared.get(key) or shared.setdefault(key, Link(*key)) for key in map(tuple, items))
