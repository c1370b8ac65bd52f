"""The report of one run as typed, immutable records (docs/report-schema.md).

Each field is named as its key in report.json and declared in the order the file lists it:
`reports.serial` writes a record as that JSON object and reads it back. Parts whose shape is the
run's own (its stats, the sample, engine versions) stay JSON objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from rules.findings import Evidence

# Field metadata for reports.serial: a None written as this value ({} for an issue without a page
# view), and an empty value left out of the JSON object (a node's images).
EMPTY_AS: Final = "empty_as"
OMIT_EMPTY: Final = "omit_empty"

# A JSON object whose shape the report does not fix (run stats, the WCAG-EM sample).
JsonObject = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class RunPart:
    """The crawl run the report is of: its status, times, statistics and engine versions."""

    id: int
    status: str
    started_at: str | None
    finished_at: str | None
    stats: JsonObject
    error: str | None
    engines: JsonObject
    as_of: str | None


@dataclass(frozen=True, slots=True)
class SitePart:
    """The site as registered: its start URLs and configured languages, and the main language its
    pages turned out to be in."""

    name: str
    country: str
    kind: str
    start_urls: tuple[str, ...]
    languages: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class Summary:
    """The run's totals: page counts, the accessibility score, issues and answers counted."""

    score: float | None
    pages_without_failures_pct: float | None
    pages_crawled: int
    pages_by_status: Mapping[str, int]
    pages_audited: int
    pages_with_failures: int
    wcag_failures: int
    issues: int
    issues_by_impact: Mapping[str, int]
    issues_by_principle: Mapping[str, int]
    needs_review: int
    documents: int
    answers_by_outcome: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Page:
    """One page visited: how it was fetched and read, and which rules ran on it with what outcome."""

    url: str
    final_url: str | None
    depth: int
    status: str
    status_code: int | None
    reason: str | None
    title: str | None
    language: str | None
    content_type: str | None
    rendered: bool
    failed: int
    needs_review: int
    passed: int
    # Outcome → "engine/rule" keys of every rule that ran on the page (rules are described in Report.rules).
    outcomes: Mapping[str, tuple[str, ...]]
    errors: Mapping[str, str]  # "engine/rule" → why the check could not run


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule as a result names it: its id and the WCAG criteria it tests ("1.4.3"; none for best practice).
    The records about one rule extend it, so its fields come first."""

    rule_id: str
    wcag: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule(RuleRef):
    """A rule that ran on some page, described once for the whole report."""

    engine: str
    is_wcag: bool
    description: str
    help_url: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """A WCAG success criterion; the records about one criterion extend it, so its fields come first."""

    sc: str
    name: str
    level: str
    principle: str


@dataclass(frozen=True, slots=True)
class Help:
    """The fix text of a rule: what fails, why it matters to people, how to fix it."""

    title: str
    what: str
    why: str
    fix: str


@dataclass(frozen=True, slots=True)
class Node:
    """A sample element of an issue, with the page it was found on and its screenshot ("" if none)."""

    selector: str
    html: str
    message: str
    images: tuple[str, ...] = field(default=(), metadata={OMIT_EMPTY: True})
    page: str = ""
    screenshot: str = ""


@dataclass(frozen=True, slots=True)
class PageView:
    """For an issue no sample of which has a screenshot: the top of one of its pages, as a picture."""

    page: str
    screenshot: str


@dataclass(frozen=True, slots=True)
class Issue:
    """Results of one rule on one element shape, de-duplicated across the pages they were found on."""

    fingerprint: str
    """Stable across pages and runs (engine, rule, outcome, element shape but not its path): what
    `--baseline` compares."""
    rule_id: str
    engine: str
    wcag: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    is_wcag: bool
    impact: str | None
    priority: int
    """Impact weight × pages affected (best practice weighs 1): the order of the issue list."""
    description: str
    label: str
    help_url: str
    help: Help
    occurrences: int
    selector: str
    nodes: tuple[Node, ...]
    reasons: tuple[str, ...]
    """For a rule without elements (page title, reflow): up to 5 distinct reasons it gave."""
    page_view: PageView | None = field(metadata={EMPTY_AS: {}})
    pages: tuple[str, ...]
    review_pages: tuple[str, ...]
    """Pages where the same rule and element shape needed review while it failed on `pages`."""

    def selector_on(self, page: str) -> str:
        """The element's selector on `page` when a sample was found there (an element's path
        differs from page to page), else the first sample's."""
        on_page = next((n.selector for n in self.nodes if n.page == page), None)
        return on_page or (self.nodes[0].selector if self.nodes else self.selector)


@dataclass(frozen=True, slots=True)
class CriterionCount(Criterion):
    """One WCAG success criterion failed: its issues, their elements and pages."""

    issues: int
    occurrences: int
    pages: int


@dataclass(frozen=True, slots=True)
class Accessibility:
    """The accessibility results: failed, undecided and not run, and the criteria failed."""

    issues: tuple[Issue, ...]
    """Failed: a check found a barrier."""
    needs_review: tuple[Issue, ...]
    """Undecided: a check found something a person must judge."""
    errors: tuple[Issue, ...]
    """Not run: the check could not run on a page."""
    by_criterion: tuple[CriterionCount, ...]
    """The WCAG criteria the failed issues break, in the criteria's number order."""


@dataclass(frozen=True, slots=True)
class DocumentResult(RuleRef):
    """One check's result on a PDF document."""

    outcome: str
    """An `audits.outcome.Outcome` value: failed, passed, needs_review, inapplicable, error."""
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    """A PDF document the crawl found, with the results of the checks run on it."""

    url: str
    title: str | None
    failed: int
    results: tuple[DocumentResult, ...]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One completed run of the site as the trend chart plots it: stored with the run as it completes
    (crawl_runs.trend_point), or computed from its results for a run stored before that column."""

    run_id: int
    started_at: str | None
    score: float | None
    issues: int  # distinct WCAG issues
    wcag_failures: int
    pages_audited: int


@dataclass(frozen=True, slots=True)
class Searched:
    """Where the concept pack looked before it answered "absent": the pages and terms."""

    pages: int
    likely: tuple[str, ...]
    """The pages most likely to hold the feature, all of them searched."""
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """A suggested survey answer: the detectors' outcome, its calibrated and raw confidence, and the
    evidence quoted from the pages."""

    id: int
    instrument: str
    question: str
    title: str
    value: str | None
    outcome: str
    confidence: float
    raw_confidence: float | None
    cue: str
    rationale: str
    evidence: tuple[Evidence, ...]
    searched: Searched | None
    """For an "absent" answer: where the concept pack looked and found nothing."""


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report.json of one run, built once by reports.model.build_report; every other format
    (HTML, CSV, SARIF, JUnit, EARL, the statement draft) is rendered from it."""

    schema_version: str
    generated_at: str
    run: RunPart
    site: SitePart
    sample: JsonObject | None
    summary: Summary
    pages: tuple[Page, ...]
    rules: Mapping[str, Rule]  # "engine/rule" → the rule, described once
    accessibility: Accessibility
    documents: tuple[Document, ...]
    history: tuple[TrendPoint, ...]
    answers: tuple[Answer, ...]
