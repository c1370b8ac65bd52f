"""One report structure built from a stored run; the JSON file is it, the HTML page renders it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from audits.dedup import Issue, group_issues
from audits.outcome import Outcome
from audits.result import PAGE_VIEW, ElementShot
from reports.knowledge import criterion, help_for, principle_of, principles, weight
from rules.calibration import cue_of
from rules.findings import SuggestedAnswer
from rules.instruments import InstrumentError, load_instrument
from storage.records import RunRecord, VisitRecord, nodes_to_json

# 2: score, issues_by_principle / _by_criterion, issue help and priority, documents, sample, language,
# history. Every key of version 1 is still there with the same meaning.
# 3: an issue is one rule on one element shape across the site (its fingerprint no longer holds the
# element's path: baselines of version 2 match no issue); issue label, reasons, page_view; each sample
# node's page and screenshot; help.fix never empty.
SCHEMA_VERSION = "3"
IMPACT_ORDER = ("critical", "serious", "moderate", "minor")
# A page loses this many points (out of 100) per impact-weight unit of each distinct WCAG rule it fails:
# one critical failure costs 40, serious 28, moderate 12, minor 4 (see docs/report-schema.md).
PENALTY_PER_WEIGHT = 4
# Screenshots embedded in one report, and per issue: report.html carries them as data URIs.
MAX_SCREENSHOTS = 150
SCREENSHOTS_PER_ISSUE = 3


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
        # Every rule's outcome on the page as "engine/rule" keys by outcome (the rules are described once,
        # in report["rules"]): what JUnit and EARL report per page, at a fraction of the size.
        "outcomes": _outcomes(visit),
        "errors": {rule_key(r.engine, r.rule_id): r.reason for r in visit.audits if r.outcome is Outcome.ERROR},
    }


def rule_key(engine: str, rule_id: str) -> str:
    return f"{engine}/{rule_id}"


def _outcomes(visit: VisitRecord) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in visit.audits:
        keys = out.setdefault(str(r.outcome), [])
        if (key := rule_key(r.engine, r.rule_id)) not in keys:
            keys.append(key)
    return out


def _rules(visits: tuple[VisitRecord, ...]) -> dict[str, dict[str, Any]]:
    """Every rule that ran, once: engine, id, criteria, whether it is a WCAG rule, its help page."""
    rules: dict[str, dict[str, Any]] = {}
    for r in (r for v in visits for r in v.audits):
        entry = rules.setdefault(
            rule_key(r.engine, r.rule_id),
            {
                "engine": r.engine,
                "rule_id": r.rule_id,
                "wcag": list(r.wcag),
                "is_wcag": r.is_wcag,
                "description": r.description,
                "help_url": r.help_url,
            },
        )
        # An error result carries no criteria or description: keep the richest record of the rule.
        if not entry["wcag"] and r.wcag:
            entry["wcag"] = list(r.wcag)
        entry["description"] = entry["description"] or r.description
        entry["help_url"] = entry["help_url"] or r.help_url
    return rules


class _Screenshots:
    """The run's screenshots by page and selector, as data URIs, at most MAX_SCREENSHOTS of them in one
    report (the HTML embeds them: it must stay one small file)."""

    def __init__(self, shots: Iterable[ElementShot]) -> None:
        self._by_place = {(s.page_url, s.selector): s for s in shots}
        self.used = 0

    def has(self, page_url: str, selector: str) -> bool:
        return (page_url, selector) in self._by_place

    def take(self, page_url: str, selector: str) -> str:
        shot = self._by_place.get((page_url, selector))
        if shot is None or self.used >= MAX_SCREENSHOTS:
            return ""
        self.used += 1
        return shot.data_uri


def _issues(
    visits: tuple[VisitRecord, ...], outcome: Outcome, screenshots: _Screenshots | None = None
) -> list[dict[str, Any]]:
    """Results of one outcome, de-duplicated across pages: the same problem in a shared header on
    500 pages is one issue with 500 occurrences. Sorted by priority (impact weight × pages): what
    blocks the most people on the most pages comes first."""
    results = [r for v in visits for r in v.audits]
    help_urls = {(r.engine, r.rule_id): r.help_url for r in results}
    shots = screenshots or _Screenshots(())
    grouped = group_issues(results, outcomes=(outcome,), has_screenshot=shots.has)
    # Most important first, so that the screenshot budget goes to the issues people read first.
    grouped.sort(key=lambda i: -_priority(i.impact, i.is_wcag, len(i.pages)))
    return [_issue(issue, help_urls.get((issue.engine, issue.rule), ""), shots) for issue in grouped]


def _fold_reviews(issues: list[dict[str, Any]], needs_review: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per rule and element shape in the whole report: an element that fails on some pages and
    could not be decided on others (axe's contrast over a background image, say) is one issue to fix, whose
    row lists the undecided pages under `review_pages`; its needs-review row goes."""
    failed = {(i["engine"], i["rule_id"], i["label"]): i for i in issues}
    kept = []
    for row in needs_review:
        issue = failed.get((row["engine"], row["rule_id"], row["label"]))
        if issue is None:
            kept.append(row)
            continue
        issue["review_pages"] = sorted({*issue["review_pages"], *row["pages"]} - set(issue["pages"]))
    return kept


def _priority(impact: str | None, is_wcag: bool, pages: int) -> int:
    # Best-practice issues weigh as minor ones: they are kept, but never ahead of a WCAG barrier.
    return (weight(impact) if is_wcag else 1) * pages


def _issue(issue: Issue, help_url: str, shots: _Screenshots) -> dict[str, Any]:
    nodes = [
        {
            **node,
            "page": s.page_url,
            "screenshot": shots.take(s.page_url, s.node.selector) if n < SCREENSHOTS_PER_ISSUE else "",
        }
        for n, (s, node) in enumerate(zip(issue.samples, nodes_to_json(issue.sample_nodes), strict=True))
    ]
    page_view = {}
    if not any(n["screenshot"] for n in nodes):
        # No element to show (a page-level problem, or one hidden from view): the first screen of a page.
        page = next((p for p in issue.pages if shots.has(p, PAGE_VIEW)), None)
        if page is not None and (image := shots.take(page, PAGE_VIEW)):
            page_view = {"page": page, "screenshot": image}
    return {
        "fingerprint": issue.fingerprint,
        "rule_id": issue.rule,
        "engine": issue.engine,
        "wcag": list(issue.wcag),
        "criteria": [criterion(sc) for sc in issue.wcag],
        "is_wcag": issue.is_wcag,
        "impact": issue.impact,
        "priority": _priority(issue.impact, issue.is_wcag, len(issue.pages)),
        "description": issue.description,
        # What tells this issue from the rule's others: the element's shape, or the validator's message.
        "label": issue.label,
        "help_url": help_url,
        "help": help_for(
            issue.engine, issue.rule, issue.description, issue.wcag, [s.node.message for s in issue.samples]
        ),
        "occurrences": issue.occurrences,
        "selector": issue.selector,
        "nodes": nodes,
        "reasons": list(issue.reasons),
        "page_view": page_view,
        "pages": sorted(issue.pages),
        "review_pages": [],  # a failed issue's pages where the same element needs review (_fold_reviews)
    }


def _page_score(visit: VisitRecord) -> float:
    failed = {(r.engine, r.rule_id): r.impact for r in visit.audits if r.outcome is Outcome.FAILED and r.is_wcag}
    return max(0.0, 100.0 - PENALTY_PER_WEIGHT * sum(weight(impact) for impact in failed.values()))


def score(visits: Sequence[VisitRecord]) -> float | None:
    """Mean page score over the audited pages; None when no page was audited (nothing to score)."""
    audited = [v for v in visits if v.audits]
    if not audited:
        return None
    return round(sum(_page_score(v) for v in audited) / len(audited), 1)


def _by_criterion(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for issue in issues:
        if not issue["is_wcag"]:
            continue
        for c in issue["criteria"]:
            row = rows.setdefault(c["sc"], {**c, "issues": 0, "occurrences": 0, "pages": set()})
            row["issues"] += 1
            row["occurrences"] += issue["occurrences"]
            row["pages"].update(issue["pages"])
    out = [{**row, "pages": len(row["pages"])} for row in rows.values()]
    return sorted(out, key=lambda r: tuple(int(x) for x in r["sc"].split(".")))


def _by_principle(issues: list[dict[str, Any]]) -> dict[str, int]:
    """Distinct WCAG issues per principle; an issue mapped to criteria of two principles counts in both."""
    counts = dict.fromkeys(principles(), 0)
    for issue in issues:
        if issue["is_wcag"]:
            for name in dict.fromkeys(principle_of(sc) for sc in issue["wcag"]):
                counts[name] = counts.get(name, 0) + 1
    return counts


def _documents(visits: tuple[VisitRecord, ...]) -> list[dict[str, Any]]:
    """Documents (PDF) checked in the run, each with the outcome of every document rule."""
    out = []
    for visit in visits:
        results = [r for r in visit.audits if r.rule_id.startswith("pdf-")]
        if not results and "pdf" not in visit.content_type:
            continue
        out.append(
            {
                "url": visit.url,
                "title": visit.title,
                "failed": sum(1 for r in results if r.outcome is Outcome.FAILED),
                "results": [
                    {"rule_id": r.rule_id, "outcome": str(r.outcome), "wcag": list(r.wcag), "reason": r.reason}
                    for r in results
                ],
            }
        )
    return out


def main_language(run: RunRecord) -> str:
    """The language most pages are in (primary subtag), else the first configured one, else ""."""
    langs = Counter(v.language.split("-")[0].lower() for v in run.visits if v.language and v.ok)
    if langs:
        return langs.most_common(1)[0][0]
    return run.site.config.languages[0] if run.site.config.languages else ""


def _question_titles(keys: set[str]) -> dict[tuple[str, str], str]:
    titles = {}
    for key in keys:
        try:
            instrument = load_instrument(key)
        except (InstrumentError, FileNotFoundError, KeyError):
            continue
        titles.update({(key, q.code): q.title for q in instrument.questions})
    return titles


def build_report(
    run: RunRecord, history: Sequence[dict[str, Any]] = (), screenshots: Iterable[ElementShot] = ()
) -> dict[str, Any]:
    """The report of one run. `history`: summaries of the same site's earlier runs, oldest first
    (reports.history.earlier_runs), drawn as the trend chart; the run itself is appended last.
    `screenshots`: the run's (Store.run_screenshots), shown beside the issues' elements."""
    visits = run.visits
    shots = _Screenshots(screenshots)
    issues = _issues(visits, Outcome.FAILED, shots)
    needs_review = _fold_reviews(issues, _issues(visits, Outcome.NEEDS_REVIEW, shots))
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "run": _run_part(run),
        "site": _site_part(run),
        "sample": run.stats.get("sample"),
        "summary": _summary(run, issues, needs_review),
        "pages": [_page(v) for v in visits],
        "rules": _rules(visits),
        "accessibility": {
            "issues": issues,
            "needs_review": needs_review,
            "errors": _issues(visits, Outcome.ERROR),
            "by_criterion": _by_criterion(issues),
        },
        "documents": _documents(visits),
        "history": [*history, trend_point(run, issues)],
        "answers": _answers(run),
    }


def _run_part(run: RunRecord) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "stats": run.stats,
        "error": run.error,
        "engines": run.settings.get("engines", {}),
        "as_of": run.as_of.isoformat() if run.as_of else None,
    }


def _site_part(run: RunRecord) -> dict[str, Any]:
    config = run.site.config
    return {
        "name": config.name,
        "country": config.country,
        "kind": str(config.kind),
        "start_urls": list(config.start_urls),
        "languages": list(config.languages),
        "language": main_language(run),
    }


def _fails_wcag(visit: VisitRecord) -> bool:
    return any(r.outcome is Outcome.FAILED and r.is_wcag for r in visit.audits)


def _wcag_failures(visits: Sequence[VisitRecord]) -> int:
    return sum(1 for v in visits for r in v.audits if r.outcome is Outcome.FAILED and r.is_wcag)


def _summary(run: RunRecord, issues: list[dict[str, Any]], needs_review: list[dict[str, Any]]) -> dict[str, Any]:
    visits = run.visits
    audited = [v for v in visits if v.audits]
    clean = [v for v in audited if not _fails_wcag(v)]
    return {
        "score": score(visits),
        "pages_without_failures_pct": round(100 * len(clean) / len(audited), 1) if audited else None,
        "pages_crawled": len(visits),
        "pages_by_status": dict(Counter(str(v.status) for v in visits)),
        "pages_audited": len(audited),
        "pages_with_failures": sum(1 for v in visits if _fails_wcag(v)),
        "wcag_failures": _wcag_failures(visits),
        "issues": len(issues),
        "issues_by_impact": dict(Counter(i["impact"] or "none" for i in issues if i["is_wcag"])),
        "issues_by_principle": _by_principle(issues),
        "needs_review": len(needs_review),
        "documents": sum(1 for v in visits if any(r.rule_id.startswith("pdf-") for r in v.audits)),
        "answers_by_outcome": dict(Counter(str(a.answer.outcome) for a in run.answers)),
    }


def trend_point(run: RunRecord, issues: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The run's point on the trend chart (`history`): its score and WCAG counts. `issues`: the
    run's failed issues when already grouped (build_report); else they are grouped here, without
    building the rest of the report."""
    visits = run.visits
    if issues is None:
        issues = _issues(visits, Outcome.FAILED)
    return {
        "run_id": run.id,
        "started_at": _iso(run.started_at),
        "score": score(visits),
        "issues": sum(1 for i in issues if i["is_wcag"]),
        "wcag_failures": _wcag_failures(visits),
        "pages_audited": sum(1 for v in visits if v.audits),
    }


def _answers(run: RunRecord) -> list[dict[str, Any]]:
    titles = _question_titles({a.answer.instrument for a in run.answers})
    return [_answer(record.id, record.answer, titles) for record in run.answers]


def _answer(answer_id: int, a: SuggestedAnswer, titles: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "id": answer_id,
        "instrument": a.instrument,
        "question": a.question,
        "title": titles.get((a.instrument, a.question), ""),
        "value": a.value,
        "outcome": str(a.outcome),
        "confidence": round(a.confidence, 2),
        "raw_confidence": _detector_confidence(a),
        "cue": _cue(a),
        # For an "absent": how many pages were searched, the most likely ones, the terms tried.
        "searched": {"pages": a.searched_count, "likely": list(a.searched), "terms": list(a.terms)}
        if a.searched_count
        else None,
        "rationale": a.rationale,
        "evidence": [
            {"url": e.url, "selector": e.selector, "quote": e.quote, "language": e.language, "depth": e.depth}
            for e in a.evidence
        ],
    }


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
