"""Earlier runs of a site, read back through the store: the trend chart of a report and the "changes
since the previous run" of the country dashboard."""

from __future__ import annotations

from typing import Any

from storage import Store
from storage.records import RunRecord

TREND_RUNS = 10  # earlier runs drawn in the trend chart; each is loaded from the store, so keep it small


def earlier_run_ids(store: Store, site_id: int, before_run: int, limit: int = TREND_RUNS) -> list[int]:
    """Completed runs of the site started before `before_run`, oldest first, at most `limit`."""
    return store.runs.earlier_completed_ids(site_id, before_run, limit)


def run_summary(run: RunRecord) -> dict[str, Any]:
    """The trend point of one run (the last entry of its report's `history`), without building the
    rest of its report: pages, rules, answers and the issues' details are not needed for a point."""
    from reports.model import trend_point

    return trend_point(run)


def earlier_runs(store: Store, run: RunRecord, limit: int = TREND_RUNS) -> list[dict[str, Any]]:
    """Trend points of the site's earlier completed runs, oldest first. Only runs that audited
    something are drawn: a crawl-only run has no accessibility score."""
    points = [run_summary(store.runs.load(i)) for i in earlier_run_ids(store, run.site.id, run.id, limit)]
    return [p for p in points if p["pages_audited"]]


def changes(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """What changed between two reports of the same site: issues new and fixed (by fingerprint),
    score and answers whose suggested value changed."""
    if previous is None:
        return {"previous_run": None}
    now = {i["fingerprint"]: i for i in current["accessibility"]["issues"]}
    before = {i["fingerprint"]: i for i in previous["accessibility"]["issues"]}
    old_answers = {(a["instrument"], a["question"]): a for a in previous["answers"]}
    answers = []
    for a in current["answers"]:
        old = old_answers.get((a["instrument"], a["question"]))
        if old is not None and (old["value"], old["outcome"]) != (a["value"], a["outcome"]):
            answers.append(
                {
                    "instrument": a["instrument"],
                    "question": a["question"],
                    "title": a["title"],
                    "before": old["value"],
                    "after": a["value"],
                }
            )
    return {
        "previous_run": previous["run"]["id"],
        "score_before": previous["summary"].get("score"),
        "score_after": current["summary"].get("score"),
        "new_issues": [_brief(now[f]) for f in now if f not in before],
        "fixed_issues": [_brief(before[f]) for f in before if f not in now],
        "answers_changed": answers,
    }


def _brief(issue: dict[str, Any]) -> dict[str, Any]:
    return {k: issue.get(k) for k in ("fingerprint", "rule_id", "impact", "wcag", "description", "pages")}
