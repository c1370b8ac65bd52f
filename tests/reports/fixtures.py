"""A small stored run built by hand: three pages and a PDF, with failures of several impacts, a
needs-review item, an error, passes and inapplicable rules; no browser or database needed."""

from __future__ import annotations

from datetime import UTC, datetime

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import ScanStatus
from rules.findings import Evidence, SuggestedAnswer
from storage.records import AnswerRecord, RunRecord, SiteRecord, VisitRecord

BASE = "https://www.gov.example"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def axe(
    url: str, rule: str, outcome: Outcome, wcag: tuple[str, ...], impact: str | None = None, **kw: object
) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine="axe-core",
        engine_version="4.10.0",
        rule_id=rule,
        outcome=outcome,
        wcag=wcag,
        impact=impact,
        description=kw.get("description", f"{rule} help"),  # type: ignore[arg-type]
        help_url=f"https://dequeuniversity.com/rules/axe/4.10/{rule}",
        nodes=tuple(kw.get("nodes", ())),  # type: ignore[arg-type]
        is_wcag=bool(kw.get("is_wcag", True)),
    )


def own(
    url: str, rule: str, outcome: Outcome, wcag: tuple[str, ...], impact: str | None = None, **kw: object
) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine="govaudit",
        engine_version="0.1",
        rule_id=rule,
        outcome=outcome,
        wcag=wcag,
        impact=impact,
        description=f"{rule} check",
        nodes=tuple(kw.get("nodes", ())),  # type: ignore[arg-type]
        reason=str(kw.get("reason", "")),
        is_wcag=bool(kw.get("is_wcag", True)),
    )


def img(n: int) -> AuditNode:
    return AuditNode(f"main > p:nth-child({n}) > img", f'<img src="/x{n}.png">', "Fix any of the following: no alt")


def visit(
    n: int, path: str, audits: tuple[AuditResult, ...], language: str = "en", content_type: str = "text/html"
) -> VisitRecord:
    url = BASE + path
    return VisitRecord(
        id=n,
        page_id=n,
        requested_url=url,
        final_url=url,
        depth=0 if path == "/" else 1,
        status=ScanStatus.OK,
        status_code=200,
        reason="",
        redirect_chain=(),
        content_type=content_type,
        content_length=1000,
        content_hash=f"h{n}",
        fetch_ms=10.0,
        render_ms=100.0,
        rendered=content_type == "text/html",
        render_reason="",
        title=f"Page {n}",
        language=language,
        headers={},
        fetched_at=NOW,
        audits=audits,
    )


def pages(language: str = "en") -> tuple[VisitRecord, ...]:
    home, news, form, pdf = (BASE + p for p in ("/", "/news", "/apply", "/doc.pdf"))
    shared = (
        axe(home, "document-title", Outcome.PASSED, ("2.4.2",)),
        axe(home, "video-caption", Outcome.INAPPLICABLE, ("1.2.2",)),
    )
    return (
        visit(
            1,
            "/",
            (
                *shared,
                axe(home, "image-alt", Outcome.FAILED, ("1.1.1",), "critical", nodes=(img(1),)),
                axe(home, "color-contrast", Outcome.NEEDS_REVIEW, ("1.4.3",), "serious", nodes=(img(2),)),
                axe(home, "region", Outcome.FAILED, (), "moderate", is_wcag=False, nodes=(AuditNode("div", "<div>"),)),
            ),
            language,
        ),
        visit(
            2,
            "/news",
            (
                axe(news, "document-title", Outcome.PASSED, ("2.4.2",)),
                axe(news, "image-alt", Outcome.FAILED, ("1.1.1",), "critical", nodes=(img(1), img(7))),
                own(news, "reflow-320", Outcome.FAILED, ("1.4.10",), "serious", nodes=(AuditNode("body", ""),)),
            ),
            language,
        ),
        visit(
            3,
            "/apply",
            (
                axe(form, "document-title", Outcome.PASSED, ("2.4.2",)),
                axe(form, "label", Outcome.PASSED, ("4.1.2",)),
                own(form, "page-language", Outcome.ERROR, ("3.1.1",), reason="the page closed"),
            ),
            language,
        ),
        visit(
            4,
            "/doc.pdf",
            (
                own(pdf, "pdf-tagged", Outcome.FAILED, ("1.3.1",), "serious", nodes=(AuditNode("document", ""),)),
                own(pdf, "pdf-title", Outcome.PASSED, ("2.4.2",)),
            ),
            language,
            content_type="application/pdf",
        ),
    )


def run(
    run_id: int = 7, language: str = "en", visits: tuple[VisitRecord, ...] | None = None, sample: bool = False
) -> RunRecord:
    site = SiteRecord(
        id=1,
        config=SiteConfig(
            name="Example portal", start_urls=(BASE + "/",), country="VLD", kind=SiteKind.NATIONAL_PORTAL
        ),
        created_at=NOW,
        updated_at=NOW,
    )
    answer = SuggestedAnswer(
        instrument="OSI-2024",
        edition="2024",
        question="003",
        value="present",
        outcome=Outcome.PASSED,
        confidence=0.9,
        rationale="a search form on the home page",
        evidence=(Evidence(url=BASE + "/", selector="form[role=search]", quote="Search"),),
    )
    stats: dict[str, object] = {"pages": 4}
    if sample:
        stats["sample"] = {"seed": 7, "population": 4, "reasons": {BASE + "/": ["home"], BASE + "/news": ["random"]}}
    return RunRecord(
        id=run_id,
        site=site,
        status="completed",
        started_at=NOW,
        finished_at=NOW,
        settings={"engines": {"axe-core": "4.10.0", "govaudit": "0.1"}},
        stats=stats,
        error="",
        as_of=None,
        visits=visits if visits is not None else pages(language),
        findings=(),
        answers=(AnswerRecord(id=1, answer=answer, finding_ids=(), created_at=NOW),),
    )
