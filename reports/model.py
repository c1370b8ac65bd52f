"""One report structure built from a stored run; the JSON file is it, the HTML page renders it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from audits.dedup import group_issues
from audits.outcome import Outcome
from rules.instruments import InstrumentError, load_instrument
from storage.records import RunRecord, VisitRecord

SCHEMA_VERSION = "1"
IMPACT_ORDER = ("critical", "serious", "moderate", "minor")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _page(visit: VisitRecord) -> dict[str, Any]:
    counts = Counter(r.outcome for r in visit.audits if r.is_wcag)
    return {
        "url": visit.url,
        "final_url": visit.final_url,
        "depth": visit.depth,
        "status": str(visit.status),
        "status_code": visit.status_code,
        "reason": visit.reason,
        "title": visit.title,
        "language": visit.language,
        "content_type": visit.content_type,
        "rendered": visit.rendered,
        "failed": counts[Outcome.FAILED],
        "needs_review": counts[Outcome.NEEDS_REVIEW],
        "passed": counts[Outcome.PASSED],
    }


def _issues(visits: tuple[VisitRecord, ...], outcome: Outcome) -> list[dict[str, Any]]:
    """Results of one outcome, de-duplicated across pages: the same problem in a shared header on
    500 pages is one issue with 500 occurrences."""
    results = [r for v in visits for r in v.audits]
    help_urls = {(r.engine, r.rule_id): r.help_url for r in results}
    return [
        {
            "fingerprint": issue.fingerprint,
            "rule_id": issue.rule,
            "engine": issue.engine,
            "wcag": list(issue.wcag),
            "is_wcag": issue.is_wcag,
            "impact": issue.impact,
            "description": issue.description,
            "help_url": help_urls.get((issue.engine, issue.rule), ""),
            "occurrences": issue.occurrences,
            "selector": issue.selector,
            "nodes": [{"selector": n.selector, "html": n.html, "message": n.message} for n in issue.sample_nodes],
            "pages": sorted(issue.pages),
        }
        for issue in group_issues(results, outcomes=(outcome,))
    ]


def _question_titles(keys: set[str]) -> dict[tuple[str, str], str]:
    titles = {}
    for key in keys:
        try:
            instrument = load_instrument(key)
        except (InstrumentError, FileNotFoundError, KeyError):
            continue
        titles.update({(key, q.code): q.title for q in instrument.questions})
    return titles


def build_report(run: RunRecord) -> dict[str, Any]:
    visits = run.visits
    results = [r for v in visits for r in v.audits]
    failed = [r for r in results if r.outcome is Outcome.FAILED and r.is_wcag]
    titles = _question_titles({a.answer.instrument for a in run.answers})
    issues = _issues(visits, Outcome.FAILED)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "run": {
            "id": run.id,
            "status": run.status,
            "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at),
            "stats": run.stats,
            "error": run.error,
            "engines": run.settings.get("engines", {}),
        },
        "site": {
            "name": run.site.config.name,
            "country": run.site.config.country,
            "kind": str(run.site.config.kind),
            "start_urls": list(run.site.config.start_urls),
        },
        "summary": {
            "pages_crawled": len(visits),
            "pages_by_status": dict(Counter(str(v.status) for v in visits)),
            "pages_audited": sum(1 for v in visits if v.audits),
            "pages_with_failures": sum(
                1 for v in visits if any(r.outcome is Outcome.FAILED and r.is_wcag for r in v.audits)
            ),
            "wcag_failures": len(failed),
            "issues": len(issues),
            "issues_by_impact": dict(Counter(i["impact"] or "none" for i in issues if i["is_wcag"])),
            "answers_by_outcome": dict(Counter(str(a.answer.outcome) for a in run.answers)),
        },
        "pages": [_page(v) for v in visits],
        "accessibility": {
            "issues": issues,
            "needs_review": _issues(visits, Outcome.NEEDS_REVIEW),
            "errors": _issues(visits, Outcome.ERROR),
        },
        "answers": [
            {
                "id": record.id,
                "instrument": a.instrument,
                "question": a.question,
                "title": titles.get((a.instrument, a.question), ""),
                "value": a.value,
                "outcome": str(a.outcome),
                "confidence": round(a.confidence, 2),
                "rationale": a.rationale,
                "evidence": [
                    {
                        "url": e.url,
                        "selector": e.selector,
                        "quote": e.quote,
                        "language": e.language,
                        "depth": e.depth,
                    }
                    for e in a.evidence
                ],
            }
            for record in run.answers
            for a in (record.answer,)
        ],
    }
