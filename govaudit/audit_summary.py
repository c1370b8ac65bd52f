"""What `govaudit audit` prints when it ends: the score, the top accessibility issues and where the
reports are, as plain lines that a CI log keeps whole (no table wrapped at 80 columns). Survey
answers are `assess`'s business."""

from __future__ import annotations

from pathlib import Path

from reports.types import Report

TOP_ISSUES = 10


def audit_summary_lines(report: Report, paths: dict[str, Path], top: int = TOP_ISSUES) -> list[str]:
    summary = report.summary
    score = f"score {summary.score:g}/100, " if summary.score is not None else ""
    status = report.run.status
    lines = [
        f"{report.site.name}: {summary.pages_crawled} pages, {score}{summary.wcag_failures} WCAG "
        f"failures in {summary.issues} distinct issues on {summary.pages_with_failures} pages; "
        f"run {report.run.id}" + (f" ({status})" if status and status != "completed" else "")
    ]
    wcag = [i for i in report.accessibility.issues if i.is_wcag]
    if wcag:
        lines.append(f"Top accessibility issues ({min(top, len(wcag))} of {len(wcag)}):")
        for n, issue in enumerate(wcag[:top], 1):
            where = f"{len(issue.pages)} page(s), e.g. {issue.pages[0]}" if issue.pages else "no page"
            criteria = ", ".join(issue.wcag) or "-"
            lines.append(
                f"  {n}. {issue.impact or 'no impact'} · {issue.rule_id} (WCAG {criteria}) · {where}"
                + (f" · {issue.description}" if issue.description else "")
            )
    else:
        lines.append("No WCAG failure found by the automated checks (they find some barriers, not all).")
    if summary.needs_review:
        lines.append(f"{summary.needs_review} item(s) need review by a person (listed in the report).")
    lines.append("Reports: " + "  ".join(str(p) for p in paths.values()))
    return lines
