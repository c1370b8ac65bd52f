"""Write a report as files: report.html (self-contained), report.json, report.csv,
report.sarif, report.junit.xml, report.earl.jsonld and a draft statement.md."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from audits.result import IMPACT_LEVELS
from reports import charts
from reports.formats import to_csv, to_earl, to_junit, to_sarif
from reports.knowledge import weight
from reports.links import REPORT_CSP, link
from reports.serial import to_json
from reports.statement import render_statement
from reports.types import Report

ENV = Environment(
    loader=PackageLoader("reports", "templates"),
    # Everything in a report came from untrusted sites: escape it all, always (the Markdown statement
    # too: a page title must not become live HTML where the statement is published).
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals.update(charts=charts, weight=weight, link=link, csp=REPORT_CSP)

# Format name → file name. "statement" is the draft accessibility statement.
FILES = {
    "html": "report.html",
    "json": "report.json",
    "csv": "report.csv",
    "sarif": "report.sarif",
    "junit": "report.junit.xml",
    "earl": "report.earl.jsonld",
    "statement": "statement.md",
}
FORMATS = tuple(FILES)


class UnknownFormat(ValueError):
    pass


def parse_formats(text: str) -> tuple[str, ...]:
    """`html,json` → ("html", "json"); "all" or "" → every format. Unknown names raise UnknownFormat."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names or names == ["all"]:
        return FORMATS
    unknown = [n for n in names if n not in FILES]
    if unknown:
        raise UnknownFormat(f"unknown format {', '.join(unknown)}: choose from {', '.join(FORMATS)} or all")
    return tuple(dict.fromkeys(names))


def render_html(report: Report) -> str:
    summary = report.summary
    return ENV.get_template("report.html.j2").render(
        r=report,
        impact_rows=[(i, summary.issues_by_impact.get(i, 0)) for i in IMPACT_LEVELS],
        criterion_rows=[(c.sc, c.issues) for c in report.accessibility.by_criterion],
        trend_points=[(f"run {h.run_id}", h.score) for h in report.history],
    )


def render(report: Report, fmt: str) -> str:
    if fmt == "html":
        return render_html(report)
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "sarif":
        return to_json(to_sarif(report))
    if fmt == "junit":
        return to_junit(report)
    if fmt == "earl":
        # One assertion per rule and page: compact, since no person reads it (indenting doubles it).
        return json.dumps(to_earl(report), ensure_ascii=False, separators=(",", ":")) + "\n"
    if fmt == "statement":
        return render_statement(report, ENV)[1]
    raise UnknownFormat(fmt)


def write_reports(report: Report, out_dir: Path, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write the chosen formats into out_dir; returns format → path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        path = out_dir / FILES[fmt]
        # newline="" keeps the CSV's own line ends; the others have only "\n".
        path.write_text(render(report, fmt), encoding="utf-8", newline="")
        paths[fmt] = path
    return paths
