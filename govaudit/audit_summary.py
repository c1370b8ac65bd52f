"""What `govaudit audit` prints when it ends: the score, the top accessibility issues and where the
reports are, as plain lines that a CI log keeps whole (no table wrapped at 80 columns). Survey
answers are `assess`'s business."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TOP_ISSUES = 10


def audit_summary_lines(report: dict[str, Any], paths: dict[str, Path], top: int = TOP_ISSUES) -> list[str]:
    summary = report["summary"]
    score = f"score {summary['score']:g}/100, " if summary.get("score") is not None else ""
    status = report["run"].get("status", "")
    lines = [
        f"{report['site']['name']}: {summary['pages_crawled']} pages, {score}{summary['wcag_failures']} WCAG "
        f"failures in {summary['issues']} distinct issues on {summary['pages_with_failures']} pages; "
        f"run {report['run']['id']}" + (f" ({status})" if status and status != "completed" else "")
    ]
    issues = (report.get("accessibility") or {}).get("issues") or []
    wcag = [i for i in issues if i.get("is_wcag")]
    if wcag:
        lines.append(f"Top accessibility issues ({min(top, len(wcag))} of {len(wcag)}):")
        for n, issue in enumerate(wcag[:top], 1):
            pages = issue.get("pages") or []
            where = f"{len(pages)} page(s), e.g. {pages[0]}" if pages else "no page"
            criteria = ", ".join(issue.get("wcag") or []) or "-"
            lines.append(
                f"  {n}. {issue.get('impact') or 'no impact'} · {issue['rule_id']} (WCAG {criteria}) · {where}"
                + (f" · {issue['description']}" if issue.get("description") else "")
            )
    else:
        lines.append("No WCAG failure found by the automated checks (they find some barriers, not all).")
    if summary.get("needs_review"):
        lines.append(f"{summary['needs_review']} item(s) need review by a person (listed in the report).")
    lines.append("Reports: " + "  ".join(str(p) for p in paths.values()))
    return lines
