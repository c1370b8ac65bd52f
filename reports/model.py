"""One report structure built from a stored run; the JSON file is it, the HTML page renders it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from audits.outcome import Outcome
from audits.result import AuditResult
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
    """Results of one outcome, de-duplicated across pages: one issue per rule and element shape."""
    grouped: dict[str, dict[str, Any]] = {}
    pages: dict[str, set[str]] = defaultdict(set)
    for visit in visits:
        for result in visit.audits:
            if result.outcome is not outcome:
                continue
            for node in result.nodes or (None,):
                key = result.fingerprint(node)
                issue = grouped.setdefault(key, _issue(result, key))
                issue["occurrences"] += 1
                if node is not None and len(issue["nodes"]) < 5:
                    issue["nodes"].append(
                        {
                            "page": visit.final_url,
                            "selector": node.selector,
                            "html": node.html,
                            "message": node.message,
                        }
                    )
                pages[key].add(visit.final_url)
    for key, issue in grouped.items():
        issue["pages"] = sorted(pages[key])
    rank = {impact: i for i, impact in enumerate(IMPACT_ORDER)}
    return sorted(
        grouped.values(), key=lambda i: (rank.get(i["impact"] or "", 9), -len(i["pages"]), i["rule_id"])
    )


def _issue(result: AuditResult, fingerprint: str) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint,
        "rule_id": result.rule_id,
        "engine": result.engine,
        "engine_version": result.engine_version,
        "wcag": list(result.wcag),
        "is_wcag": result.is_wcag,
        "impact": result.impact,
        "description": result.description,
        "help_url": result.help_url,
        "occurrences": 0,
        "nodes": [],
        "pages": [],
    }


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
