"""A run's audit results as report issues: de-duplicated across pages, ordered by priority, with
their help, sample elements and screenshots; and the counts by WCAG criterion and principle."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from audits.dedup import Issue as Grouped
from audits.dedup import group_issues
from audits.outcome import Outcome
from audits.result import PAGE_VIEW, ElementShot
from reports.knowledge import criterion, help_for, principle_of, principles, weight
from reports.types import Criterion, CriterionCount, Help, Issue, Node, PageView
from storage.records import VisitRecord

# Screenshots embedded in one report, and per issue: report.html carries them as data URIs.
MAX_SCREENSHOTS = 150
SCREENSHOTS_PER_ISSUE = 3


class Screenshots:
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


def issues_of(visits: Sequence[VisitRecord], outcome: Outcome, screenshots: Screenshots | None = None) -> list[Issue]:
    """Results of one outcome, de-duplicated across pages: the same problem in a shared header on
    500 pages is one issue with 500 occurrences. Sorted by priority (impact weight × pages): what
    blocks the most people on the most pages comes first."""
    # Visits come in the order their pages finished, which the machine's load decides: taken by URL, an
    # issue's sample elements (the first page of each) and the order of equal issues are the same every run.
    results = [r for v in sorted(visits, key=lambda v: v.requested_url) for r in v.audits]
    help_urls = {(r.engine, r.rule_id): r.help_url for r in results}
    shots = screenshots or Screenshots(())
    grouped = group_issues(results, outcomes=(outcome,), has_screenshot=shots.has)
    # Most important first, so that the screenshot budget goes to the issues people read first.
    grouped.sort(key=lambda i: -priority(i.impact, i.is_wcag, len(i.pages)))
    return [_issue(issue, help_urls.get((issue.engine, issue.rule), ""), shots) for issue in grouped]


def fold_reviews(issues: list[Issue], needs_review: list[Issue]) -> tuple[list[Issue], list[Issue]]:
    """One row per rule and element shape in the whole report: an element that fails on some pages and
    could not be decided on others (axe's contrast over a background image, say) is one issue to fix, whose
    row lists the undecided pages under `review_pages`; its needs-review row goes.
    Returns (issues, needs_review) after folding."""
    at = {(i.engine, i.rule_id, i.label): n for n, i in enumerate(issues)}
    folded, kept = list(issues), []
    for row in needs_review:
        n = at.get((row.engine, row.rule_id, row.label))
        if n is None:
            kept.append(row)
            continue
        issue = folded[n]
        review = sorted({*issue.review_pages, *row.pages} - set(issue.pages))
        folded[n] = dataclasses.replace(issue, review_pages=tuple(review))
    return folded, kept


def priority(impact: str | None, is_wcag: bool, pages: int) -> int:
    # Best-practice issues weigh as minor ones: they are kept, but never ahead of a WCAG barrier.
    return (weight(impact) if is_wcag else 1) * pages


def _nodes(issue: Grouped, shots: Screenshots) -> tuple[Node, ...]:
    return tuple(
        Node(
            selector=s.node.selector,
            html=s.node.html,
            message=s.node.message,
            images=tuple(s.node.images),
            page=s.page_url,
            screenshot=shots.take(s.page_url, s.node.selector) if n < SCREENSHOTS_PER_ISSUE else "",
        )
        for n, s in enumerate(issue.samples)
    )


def _page_view(issue: Grouped, nodes: tuple[Node, ...], shots: Screenshots) -> PageView | None:
    if any(n.screenshot for n in nodes):
        return None
    # No element to show (a page-level problem, or one hidden from view): the first screen of a page.
    page = next((p for p in issue.pages if shots.has(p, PAGE_VIEW)), None)
    if page is not None and (image := shots.take(page, PAGE_VIEW)):
        return PageView(page=page, screenshot=image)
    return None


def _issue(issue: Grouped, help_url: str, shots: Screenshots) -> Issue:
    nodes = _nodes(issue, shots)
    page_view = _page_view(issue, nodes, shots)
    messages = [s.node.message for s in issue.samples]
    return Issue(
        fingerprint=issue.fingerprint,
        rule_id=issue.rule,
        engine=issue.engine,
        wcag=tuple(issue.wcag),
        criteria=tuple(Criterion(**criterion(sc)) for sc in issue.wcag),
        is_wcag=issue.is_wcag,
        impact=issue.impact,
        priority=priority(issue.impact, issue.is_wcag, len(issue.pages)),
        description=issue.description,
        # What tells this issue from the rule's others: the element's shape, or the validator's message.
        label=issue.label,
        help_url=help_url,
        help=Help(**help_for(issue.engine, issue.rule, issue.description, issue.wcag, messages)),
        occurrences=issue.occurrences,
        selector=issue.selector,
        nodes=nodes,
        reasons=tuple(issue.reasons),
        page_view=page_view,
        pages=tuple(sorted(issue.pages)),
        review_pages=(),  # a failed issue's pages where the same element needs review (fold_reviews)
    )


def by_criterion(issues: Iterable[Issue]) -> tuple[CriterionCount, ...]:
    criteria: dict[str, Criterion] = {}
    counts: dict[str, list[int]] = {}
    pages: dict[str, set[str]] = {}
    for issue in (i for i in issues if i.is_wcag):
        for c in issue.criteria:
            criteria.setdefault(c.sc, c)
            count = counts.setdefault(c.sc, [0, 0])
            count[0] += 1
            count[1] += issue.occurrences
            pages.setdefault(c.sc, set()).update(issue.pages)
    out = [
        CriterionCount(c.sc, c.name, c.level, c.principle, counts[sc][0], counts[sc][1], len(pages[sc]))
        for sc, c in criteria.items()
    ]
    return tuple(sorted(out, key=lambda r: tuple(int(x) for x in r.sc.split("."))))


def by_principle(issues: Iterable[Issue]) -> dict[str, int]:
    """Distinct WCAG issues per principle; an issue mapped to criteria of two principles counts in both."""
    counts = dict.fromkeys(principles(), 0)
    for issue in issues:
        if issue.is_wcag:
            for name in dict.fromkeys(principle_of(sc) for sc in issue.wcag):
                counts[name] = counts.get(name, 0) + 1
    return counts
