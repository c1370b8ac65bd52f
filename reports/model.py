"""One report built from a stored run (reports.types.Report); report.json is it (reports.serial),
every other format renders from it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from audits.outcome import Outcome
from audits.result import ElementShot
from reports.answers import answers_of
from reports.issues import Screenshots, by_criterion, by_principle, fold_reviews, issues_of
from reports.knowledge import weight
from reports.types import (
    Accessibility,
    Document,
    DocumentResult,
    Issue,
    Page,
    Report,
    Rule,
    RunPart,
    SitePart,
    Summary,
    TrendPoint,
)
from storage.records import RunRecord, VisitRecord

# 2: score, issues_by_principle / _by_criterion, issue help and priority, documents, sample, language,
# history. Every key of version 1 is still there with the same meaning.
# 3: an issue is one rule on one element shape across the site (its fingerprint no longer holds the
# element's path: baselines of version 2 match no issue); issue label, reasons, page_view; each sample
# node's page and screenshot; help.fix never empty.
SCHEMA_VERSION = "3"
# A page loses this many points (out of 100) per impact-weight unit of each distinct WCAG rule it fails:
# one critical failure costs 40, serious 28, moderate 12, minor 4 (see docs/report-schema.md).
PENALTY_PER_WEIGHT = 4


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def rule_key(engine: str, rule_id: str) -> str:
    return f"{engine}/{rule_id}"


def _page(visit: VisitRecord) -> Page:
    counts = Counter(r.outcome for r in visit.audits if r.is_wcag)
    return Page(
        url=visit.requested_url,
        final_url=visit.final_url,
        depth=visit.depth,
        status=str(visit.status),
        status_code=visit.status_code,
        reason=visit.reason,
        title=visit.title,
        language=visit.language,
        content_type=visit.content_type,
        rendered=visit.rendered,
        failed=counts[Outcome.FAILED],
        needs_review=counts[Outcome.NEEDS_REVIEW],
        passed=counts[Outcome.PASSED],
        # Every rule's outcome on the page as "engine/rule" keys by outcome (the rules are described once,
        # in Report.rules): what JUnit and EARL report per page, at a fraction of the size.
        outcomes=_outcomes(visit),
        errors={rule_key(r.engine, r.rule_id): r.reason for r in visit.audits if r.outcome is Outcome.ERROR},
    )


def _outcomes(visit: VisitRecord) -> dict[str, tuple[str, ...]]:
    out: dict[str, dict[str, None]] = {}
    for r in visit.audits:
        out.setdefault(str(r.outcome), {})[rule_key(r.engine, r.rule_id)] = None
    return {outcome: tuple(keys) for outcome, keys in out.items()}


def _rules(visits: Sequence[VisitRecord]) -> dict[str, Rule]:
    """Every rule that ran, once: engine, id, criteria, whether it is a WCAG rule, its help page."""
    rules: dict[str, Rule] = {}
    for r in (r for v in visits for r in v.audits):
        key = rule_key(r.engine, r.rule_id)
        known = rules.get(key)
        if known is None:
            rules[key] = Rule(r.rule_id, tuple(r.wcag), r.engine, r.is_wcag, r.description, r.help_url)
            continue
        # An error result carries no criteria or description: keep the richest record of the rule.
        rules[key] = Rule(
            known.rule_id,
            known.wcag or tuple(r.wcag),
            known.engine,
            known.is_wcag,
            known.description or r.description,
            known.help_url or r.help_url,
        )
    return rules


def _page_score(visit: VisitRecord) -> float:
    failed = {(r.engine, r.rule_id): r.impact for r in visit.audits if r.outcome is Outcome.FAILED and r.is_wcag}
    return max(0.0, 100.0 - PENALTY_PER_WEIGHT * sum(weight(impact) for impact in failed.values()))


def score(visits: Sequence[VisitRecord]) -> float | None:
    """Mean page score over the audited pages; None when no page was audited (nothing to score)."""
    audited = [v for v in visits if v.audits]
    if not audited:
        return None
    return round(sum(_page_score(v) for v in audited) / len(audited), 1)


def _documents(visits: Sequence[VisitRecord]) -> tuple[Document, ...]:
    """Documents (PDF) checked in the run, each with the outcome of every document rule."""
    out = []
    for visit in visits:
        results = [r for r in visit.audits if r.rule_id.startswith("pdf-")]
        if not results and "pdf" not in visit.content_type:
            continue
        out.append(
            Document(
                url=visit.requested_url,
                title=visit.title,
                failed=sum(1 for r in results if r.outcome is Outcome.FAILED),
                results=tuple(DocumentResult(r.rule_id, tuple(r.wcag), str(r.outcome), r.reason) for r in results),
            )
        )
    return tuple(out)


def main_language(run: RunRecord) -> str:
    """The language most pages are in (primary subtag), else the first configured one, else ""."""
    langs = Counter(v.language.split("-")[0].lower() for v in run.visits if v.language and v.ok)
    if langs:
        return langs.most_common(1)[0][0]
    return run.site.config.languages[0] if run.site.config.languages else ""


def build_report(run: RunRecord, history: Sequence[TrendPoint] = (), screenshots: Iterable[ElementShot] = ()) -> Report:
    """The report of one run. `history`: trend points of the same site's earlier runs, oldest first
    (reports.history.earlier_runs), drawn as the trend chart; the run itself is appended last.
    `screenshots`: the run's (Store.run_screenshots), shown beside the issues' elements."""
    visits = run.visits
    shots = Screenshots(screenshots)
    issues, needs_review = fold_reviews(
        issues_of(visits, Outcome.FAILED, shots), issues_of(visits, Outcome.NEEDS_REVIEW, shots)
    )
    return Report(
        schema_version=SCHEMA_VERSION,
        generated_at=datetime.now(UTC).isoformat(),
        run=_run_part(run),
        site=_site_part(run),
        sample=run.stats.get("sample"),
        summary=_summary(run, issues, needs_review),
        pages=tuple(_page(v) for v in visits),
        rules=_rules(visits),
        accessibility=Accessibility(
            issues=tuple(issues),
            needs_review=tuple(needs_review),
            errors=tuple(issues_of(visits, Outcome.ERROR)),
            by_criterion=by_criterion(issues),
        ),
        documents=_documents(visits),
        history=(*history, trend_point(run, issues)),
        answers=answers_of(run),
    )


def _run_part(run: RunRecord) -> RunPart:
    return RunPart(
        id=run.id,
        status=run.status,
        started_at=_iso(run.started_at),
        finished_at=_iso(run.finished_at),
        stats=run.stats,
        error=run.error,
        engines=run.settings.get("engines", {}),
        as_of=run.as_of.isoformat() if run.as_of else None,
    )


def _site_part(run: RunRecord) -> SitePart:
    config = run.site.config
    return SitePart(
        name=config.name,
        country=config.country,
        kind=str(config.kind),
        start_urls=tuple(config.start_urls),
        languages=tuple(config.languages),
        language=main_language(run),
    )


def _fails_wcag(visit: VisitRecord) -> bool:
    return any(r.outcome is Outcome.FAILED and r.is_wcag for r in visit.audits)


def _wcag_failures(visits: Sequence[VisitRecord]) -> int:
    return sum(1 for v in visits for r in v.audits if r.outcome is Outcome.FAILED and r.is_wcag)


def _summary(run: RunRecord, issues: Sequence[Issue], needs_review: Sequence[Issue]) -> Summary:
    visits = run.visits
    audited = [v for v in visits if v.audits]
    clean = [v for v in audited if not _fails_wcag(v)]
    return Summary(
        score=score(visits),
        pages_without_failures_pct=round(100 * len(clean) / len(audited), 1) if audited else None,
        pages_crawled=len(visits),
        pages_by_status=dict(Counter(str(v.status) for v in visits)),
        pages_audited=len(audited),
        pages_with_failures=sum(1 for v in visits if _fails_wcag(v)),
        wcag_failures=_wcag_failures(visits),
        issues=len(issues),
        issues_by_impact=dict(Counter(i.impact or "none" for i in issues if i.is_wcag)),
        issues_by_principle=by_principle(issues),
        needs_review=len(needs_review),
        documents=sum(1 for v in visits if any(r.rule_id.startswith("pdf-") for r in v.audits)),
        answers_by_outcome=dict(Counter(str(a.answer.outcome) for a in run.answers)),
    )


def trend_point(run: RunRecord, issues: Sequence[Issue] | None = None) -> TrendPoint:
    """The run's point on the trend chart (`history`): its score and WCAG counts. `issues`: the
    run's failed issues when already grouped (build_report); else they are grouped here, without
    building the rest of the report."""
    visits = run.visits
    if issues is None:
        issues = issues_of(visits, Outcome.FAILED)
    return TrendPoint(
        run_id=run.id,
        started_at=_iso(run.started_at),
        score=score(visits),
        issues=sum(1 for i in issues if i.is_wcag),
        wcag_failures=_wcag_failures(visits),
        pages_audited=sum(1 for v in visits if v.audits),
    )
