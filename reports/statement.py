"""A draft accessibility statement from an audit, following the EU model statement (Commission
Implementing Decision (EU) 2018/1523): conformance status, non-accessible content with the criteria
it fails, preparation date and method, a feedback contact and the enforcement procedure. The
wording lives in templates (`statement.<lang>.md.j2`); the site owner edits the draft: every
[bracketed] passage is theirs to fill in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, TemplateNotFound

from reports.knowledge import criterion
from reports.types import Criterion, Report

STATEMENT_LANGUAGES = ("en", "fr")
STANDARD = "EN 301 549 V3.2.1 / WCAG 2.1 AA"


@dataclass(frozen=True, slots=True)
class NonAccessible(Criterion):
    """One success criterion the site fails: the problems, how many pages, a few of them."""

    problems: tuple[str, ...]
    examples: tuple[str, ...]
    pages: int


def statement_language(report: Report) -> str:
    """The site's main language when a template exists for it, else English."""
    language = (report.site.language or "").split("-")[0].lower()
    return language if language in STATEMENT_LANGUAGES else "en"


def conformance(report: Report) -> str:
    """`full` or `partial`, as the EU model names them. Automated checks cover only part of the
    requirements, so a site without failures is only a candidate for "full" (the template says a
    manual check must confirm it). "Not compliant" means most requirements are not met: no automated
    count of pages or rules measures that, so the draft never claims it; the owner may."""
    summary = report.summary
    return "full" if summary.pages_audited and summary.wcag_failures == 0 else "partial"


def non_accessible(report: Report) -> list[NonAccessible]:
    """WCAG failures grouped by success criterion, each with the problems and a few example pages."""
    problems: dict[str, dict[str, None]] = {}
    pages: dict[str, list[str]] = {}
    for issue in report.accessibility.issues:
        if not issue.is_wcag:
            continue
        for sc in issue.wcag or ("?",):
            problems.setdefault(sc, {})[issue.description or issue.rule_id] = None
            seen = pages.setdefault(sc, [])
            seen += [p for p in issue.pages if p not in seen]
    out = [
        NonAccessible(
            **criterion(sc), problems=tuple(problems[sc]), examples=tuple(pages[sc][:3]), pages=len(pages[sc])
        )
        for sc in problems
    ]
    return sorted(out, key=lambda r: tuple(int(x) if x.isdigit() else 0 for x in r.sc.split(".")))


def render_statement(report: Report, env: Environment, today: date | None = None) -> tuple[str, str]:
    """(language, Markdown text) of the draft statement."""
    language = statement_language(report)
    try:
        template = env.get_template(f"statement.{language}.md.j2")
    except TemplateNotFound:
        language, template = "en", env.get_template("statement.en.md.j2")
    return language, template.render(
        r=report,
        status=conformance(report),
        standard=STANDARD,
        failures=non_accessible(report),
        today=(today or date.today()).isoformat(),
    )
