"""Machine formats of one report: CSV, SARIF 2.1.0, JUnit XML and W3C EARL (JSON-LD).

Each is a pure function of the report (reports.types.Report), so every format can be written again
from a saved report.json (reports.serial.read_report) without the database."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from audits.checks.common import ENGINE, ENGINE_VERSION
from reports.knowledge import criterion
from reports.serial import to_plain
from reports.types import Issue, Page, Report, Rule

TOOL_URI = "https://github.com/govaudit/govaudit"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# SARIF levels from impact: what blocks people is an error, the rest warnings and notes.
SARIF_LEVEL = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note", None: "warning"}
EARL_OUTCOME = {
    "passed": "earl:passed",
    "failed": "earl:failed",
    "needs_review": "earl:cantTell",
    "inapplicable": "earl:inapplicable",
    "not_tested": "earl:untested",
    "error": "earl:cantTell",  # the tool could not decide: EARL has no "error" outcome
}
CSV_COLUMNS = (
    "outcome",
    "impact",
    "rule_id",
    "engine",
    "wcag",
    "description",
    "page",
    "selector",
    "occurrences_site_wide",
    "pages_site_wide",
    "fingerprint",
    "help_url",
)


def _issues_with_outcome(report: Report) -> list[tuple[str, Issue]]:
    acc = report.accessibility
    return [("failed", i) for i in acc.issues] + [("needs_review", i) for i in acc.needs_review]


# --- CSV ------------------------------------------------------------------------------------------


def to_csv(report: Report) -> str:
    """One row per issue and page it occurs on (failed and needs-review), spreadsheet-ready."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for outcome, issue in _issues_with_outcome(report):
        for page in issue.pages:
            writer.writerow(
                [
                    outcome,
                    issue.impact or "",
                    issue.rule_id,
                    issue.engine,
                    " ".join(issue.wcag),
                    issue.description,
                    page,
                    issue.selector_on(page),
                    issue.occurrences,
                    len(issue.pages),
                    issue.fingerprint,
                    issue.help_url,
                ]
            )
    return buffer.getvalue()


# --- SARIF 2.1.0 ----------------------------------------------------------------------------------


def _wcag_tags(wcag: tuple[str, ...]) -> list[str]:
    # The tag style axe-core and GitHub code scanning users know: "wcag143", plus the readable "WCAG 1.4.3".
    return [f"wcag{sc.replace('.', '')}" for sc in wcag] + [f"WCAG {sc}" for sc in wcag]


def _page_artifact(page: str) -> dict[str, str]:
    """A page as a SARIF artifact location code scanning accepts: a relative URI (its path and
    query) against a base id naming the page's origin, which `originalUriBaseIds` maps to the origin
    URL. Code scanning matches artifact URIs to files of the repository and has no use for an
    absolute http(s) URI; a SARIF viewer rebuilds the page URL from the base."""
    parts = urlsplit(page)
    relative = parts.path.lstrip("/") or "index"
    if parts.query:
        relative += "?" + parts.query
    return {"uri": relative, "uriBaseId": _base_id(parts.scheme, parts.netloc)}


def _base_id(scheme: str, netloc: str) -> str:
    return "SITE_" + re.sub(r"[^A-Za-z0-9]+", "_", f"{scheme}_{netloc}").strip("_").upper()


def _uri_bases(pages: Iterable[str]) -> dict[str, object]:
    bases: dict[str, object] = {}
    for page in pages:
        parts = urlsplit(page)
        base = _base_id(parts.scheme, parts.netloc)
        bases.setdefault(base, {"uri": f"{parts.scheme}://{parts.netloc}/", "description": {"text": "site root"}})
    return bases


def _site_key(report: Report) -> str:
    name = report.site.name
    host = urlsplit(name).netloc or name
    return re.sub(r"[^A-Za-z0-9.-]+", "-", host).strip("-") or "site"


def to_sarif(report: Report) -> dict[str, object]:
    """One run; one rule per (engine, rule) with its help and WCAG tags; one result per issue and
    page, located at the page URL with the element's CSS selector as a logical location. Needs-review
    items are results of kind "review" (level "none"), so a code-scanning UI lists them apart."""
    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    results: list[dict[str, object]] = []
    pages: list[str] = []
    for outcome, issue in _issues_with_outcome(report):
        if issue.rule_id not in index:
            index[issue.rule_id] = len(rules)
            rules.append(_sarif_rule(issue))
        results += [_sarif_result(issue, page, outcome, index[issue.rule_id]) for page in issue.pages]
        pages += issue.pages
    engines = report.run.engines
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "govaudit",
                        "version": str(engines.get(ENGINE, ENGINE_VERSION)),
                        "informationUri": TOOL_URI,
                        "rules": rules,
                    },
                    "extensions": [
                        {"name": name, "version": str(v)} for name, v in engines.items() if name != "govaudit"
                    ],
                },
                # Code scanning reads what comes before the last "/" as the category: one per site.
                "automationDetails": {"id": f"govaudit-accessibility/{_site_key(report)}/run-{report.run.id}"},
                "originalUriBaseIds": _uri_bases(pages),
                "results": results,
                "properties": {"summary": to_plain(report.summary)},
            }
        ],
    }


def _sarif_rule(issue: Issue) -> dict[str, object]:
    """The SARIF rule of an issue's (engine, rule): its help and WCAG tags."""
    rule_id = issue.rule_id
    rule: dict[str, object] = {
        "id": rule_id,
        "name": re.sub(r"[^A-Za-z0-9]+", " ", rule_id).title().replace(" ", ""),
        "shortDescription": {"text": issue.description or rule_id},
        "fullDescription": {"text": issue.help.what or issue.description or rule_id},
        "help": {"text": " ".join(x for x in (issue.help.why, issue.help.fix) if x) or rule_id},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(issue.impact, "warning")},
        "properties": {
            "engine": issue.engine,
            "tags": ["accessibility", *(_wcag_tags(issue.wcag) if issue.is_wcag else ["best-practice"])],
        },
    }
    if issue.help_url:
        rule["helpUri"] = issue.help_url
    return rule


def _sarif_result(issue: Issue, page: str, outcome: str, rule_index: int) -> dict[str, object]:
    """One issue on one page: a failure, or (needs review) a result of kind "review"."""
    rule_id = issue.rule_id
    result: dict[str, object] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "message": {"text": f"{issue.description or rule_id} ({issue.occurrences} on the site)"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": _page_artifact(page), "region": {"startLine": 1}},
                "logicalLocations": [{"fullyQualifiedName": issue.selector_on(page), "kind": "element"}],
            }
        ],
        "partialFingerprints": {"govaudit/issue/v1": issue.fingerprint},
        "properties": {"impact": issue.impact, "wcag": list(issue.wcag), "url": page},
    }
    if outcome == "failed":
        result["kind"] = "fail"
        result["level"] = SARIF_LEVEL.get(issue.impact, "warning")
    else:
        result["kind"] = "review"
        result["level"] = "none"
    return result


# --- JUnit XML ------------------------------------------------------------------------------------


def _by_page_and_rule(issues: tuple[Issue, ...]) -> dict[tuple[str, str], Issue]:
    """(page, "engine/rule") → the first issue of that rule on that page (a rule may have several
    issues on one page, one per element shape; the first is the most severe)."""
    out: dict[tuple[str, str], Issue] = {}
    for issue in issues:
        for page in issue.pages:
            out.setdefault((page, f"{issue.engine}/{issue.rule_id}"), issue)
    return out


def to_junit(report: Report) -> str:
    """One <testsuite> per audited page, one <testcase> per rule that applied to it: a failure for a
    failed rule, skipped for needs-review (a person must decide), an error when the check could not
    run. Inapplicable rules are left out: they tested nothing and would drown the real cases."""
    failed = _by_page_and_rule(report.accessibility.issues)
    root = ET.Element("testsuites", name=f"govaudit {report.site.name}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for page in report.pages:
        cases = [(key, o) for o in ("failed", "error", "needs_review", "passed") for key in page.outcomes.get(o, ())]
        if not cases:
            continue
        suite = ET.SubElement(root, "testsuite", name=page.url)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for key, outcome in sorted(cases):
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=page.url, name=key)
            counted = _junit_case(case, page, key, outcome, report.rules.get(key), failed)
            if counted:
                counts[counted] += 1
        for name, value in counts.items():
            suite.set(name, str(value))
            totals[name] += value
    for name, value in totals.items():
        root.set(name, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _junit_case(
    case: ET.Element, page: Page, key: str, outcome: str, rule: Rule | None, failed: dict[tuple[str, str], Issue]
) -> str:
    """The failure, skipped or error element of one rule on one page; returns the count it adds to."""
    wcag = f" (WCAG {', '.join(rule.wcag)})" if rule and rule.wcag else ""
    if outcome == "failed":
        issue = failed.get((page.url, key))
        impact = issue.impact if issue else None
        message = (issue.help.title if issue else rule.description if rule else None) or key
        failure = ET.SubElement(
            case,
            "failure",
            message=f"{message}{wcag}",
            type=impact or ("wcag" if rule is None or rule.is_wcag else "best-practice"),
        )
        if issue:
            lines = [n.selector + ("\n  " + n.message if n.message else "") for n in issue.nodes]
            failure.text = "\n".join([*lines, issue.help_url]).strip()
        return "failures"
    if outcome == "needs_review":
        ET.SubElement(case, "skipped", message=f"needs review by a person{wcag}")
        return "skipped"
    if outcome == "error":
        ET.SubElement(case, "error", message=page.errors.get(key) or "the check could not run")
        return "errors"
    return ""


# --- W3C EARL (JSON-LD) ---------------------------------------------------------------------------

EARL_CONTEXT = {
    "@vocab": "http://www.w3.org/ns/earl#",
    "earl": "http://www.w3.org/ns/earl#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "ptr": "http://www.w3.org/2009/pointers#",
    "sch": "https://schema.org/",
    "WCAG22": "https://www.w3.org/TR/WCAG22/#",
    "assertedBy": {"@type": "@id"},
    "subject": {"@type": "@id"},
    "test": {"@type": "@id"},
    "outcome": {"@type": "@id"},
    "mode": {"@type": "@id"},
    "isPartOf": {"@id": "dct:isPartOf", "@type": "@id"},
    # A page lists its assertions; each one's earl:subject is that page (the ACT implementation form).
    "assertions": {"@reverse": "earl:subject"},
    "title": "dct:title",
    "description": "dct:description",
    "source": "dct:source",
    "date": "dct:date",
}


def _wcag_anchor(sc: str) -> str:
    """`1.4.3` → "WCAG22:contrast-minimum": the fragment id of the criterion in the WCAG 2.2 spec."""
    name = re.sub(r"\s*\(obsolete[^)]*\)", "", criterion(sc)["name"])
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"WCAG22:{slug}" if slug else f"WCAG22:{sc}"


def _test_id(rule: Rule | None, key: str) -> str:
    return (rule.help_url if rule else "") or f"{TOOL_URI}/rules/{key}"


def to_earl(report: Report) -> dict[str, object]:
    """An EARL report as JSON-LD: the assertor, each test (rule) once, one earl:TestSubject per page
    with one assertion per rule that ran on it: passed, failed, cantTell (needs review, or the check
    could not run), inapplicable. A test is the rule, identified by its help page when it has one and
    part of the WCAG 2.2 criteria it maps to."""
    failed = _by_page_and_rule(report.accessibility.issues)
    rules = report.rules
    date = report.run.finished_at or report.generated_at
    graph: list[dict[str, object]] = [
        {
            "@id": "_:govaudit",
            "@type": ["earl:Assertor", "earl:Software"],
            "title": "govaudit",
            "description": ", ".join(f"{k} {v}" for k, v in report.run.engines.items()),
            "foaf:homepage": {"@id": TOOL_URI},
        }
    ]
    graph += [
        {
            "@id": _test_id(rule, key),
            "@type": "TestCase",
            "title": key,
            "description": rule.description,
            "isPartOf": [_wcag_anchor(sc) for sc in rule.wcag],
        }
        for key, rule in rules.items()
    ]
    graph += [_earl_subject(page, failed, rules, date) for page in report.pages if page.outcomes]
    return {"@context": EARL_CONTEXT, "@graph": graph}


def _earl_subject(
    page: Page,
    failed: dict[tuple[str, str], Issue],
    rules: Mapping[str, Rule],
    date: str,
) -> dict[str, object]:
    """A page as an earl:TestSubject with one assertion per rule that ran on it."""
    assertions = []
    for outcome, keys in page.outcomes.items():
        for key in keys:
            assertions.append(
                {
                    "@type": "Assertion",
                    "assertedBy": "_:govaudit",
                    "mode": "earl:automatic",
                    "test": _test_id(rules.get(key), key),
                    "result": _earl_result(page, key, outcome, failed),
                }
            )
    return {
        "@id": page.final_url or page.url,
        "@type": ["earl:TestSubject", "sch:WebPage"],
        "source": page.url,
        "title": page.title,
        "date": date,
        "assertions": assertions,
    }


def _earl_result(page: Page, key: str, outcome: str, failed: dict[tuple[str, str], Issue]) -> dict[str, object]:
    """The outcome of one rule on one page; a failure points at its elements, an error says why."""
    result: dict[str, object] = {"@type": "TestResult", "outcome": EARL_OUTCOME.get(outcome, "earl:untested")}
    issue = failed.get((page.url, key)) if outcome == "failed" else None
    if issue:
        result["description"] = issue.help.title
        result["pointer"] = [{"@type": "ptr:CSSSelectorPointer", "ptr:expression": n.selector} for n in issue.nodes]
    elif outcome == "error":
        result["description"] = page.errors.get(key, "the check could not run")
    return result
