"""The report structure and every machine format, from a hand-built run (no browser, no database).

The SARIF file validates against the OASIS SARIF 2.1.0 JSON schema vendored next to this test
(sarif-schema-2.1.0.json: the 2.1.0-rtm.5 schema, identical in content to the OASIS standard's
sarif-schema-2.1.0.json, copied unchanged from the MIT-licensed npm package @microsoft/jest-sarif,
lib/schemas/sarif-2.1.0-rtm.5.json); the JUnit XML is read back with junitparser."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from reports import build_report, render_html, write_reports
from reports.formats import to_csv, to_earl, to_junit, to_sarif
from reports.gate import BadBaseline, evaluate, load_baseline
from reports.render import FORMATS, UnknownFormat, parse_formats, render
from reports.types import Report, TrendPoint
from tests.reports import fixtures
from tests.reports.sarif_code_scanning import code_scanning_problems

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(fixtures.run())


def test_score_counts_and_priority(report: Report) -> None:
    summary = report.summary
    # Pages: home fails image-alt (critical, 40) → 60; news fails image-alt + reflow (40 + 28) → 32;
    # the form page fails nothing → 100; the PDF fails pdf-tagged (serious, 28) → 72. Mean 66.
    assert summary.score == 66.0
    assert summary.pages_without_failures_pct == 25.0
    assert summary.issues_by_principle == {"Perceivable": 3, "Operable": 0, "Understandable": 0, "Robust": 0}
    issues = report.accessibility.issues
    priorities = [i.priority for i in issues]
    assert priorities == sorted(priorities, reverse=True)
    # image-alt in the same place on two pages is one issue; the second node shape on /news another.
    top = issues[0]
    assert (top.rule_id, top.priority, len(top.pages)) == ("image-alt", 20, 2)
    assert issues[-1].rule_id == "region" and not issues[-1].is_wcag  # best practice last
    reflow = next(i for i in issues if i.rule_id == "reflow-320")
    assert reflow.help.fix and reflow.help.title.startswith("Content needs horizontal scrolling")
    assert "Low vision" in reflow.help.why or "low vision" in reflow.help.why
    assert [c.sc for c in report.accessibility.by_criterion] == ["1.1.1", "1.3.1", "1.4.10"]
    assert report.documents[0].url.endswith("/doc.pdf") and report.documents[0].failed == 1
    assert report.pages[2].errors == {"govaudit/page-language": "the page closed"}


def test_sarif_validates_against_the_2_1_0_schema(report: Report) -> None:
    sarif = to_sarif(report)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["image-alt"]["helpUri"].startswith("https://dequeuniversity.com/")
    assert "wcag111" in rules["image-alt"]["properties"]["tags"]
    levels = {(r["ruleId"], r["kind"], r["level"]) for r in run["results"]}
    assert ("image-alt", "fail", "error") in levels
    assert ("color-contrast", "review", "none") in levels  # needs review: listed, never a failure
    first = run["results"][0]["locations"][0]
    artifact = first["physicalLocation"]["artifactLocation"]
    # The page URL is rebuilt from the base the location names and its relative URI.
    base = run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
    assert base.rstrip("/") == fixtures.BASE and run["results"][0]["properties"]["url"].startswith(fixtures.BASE)
    pages = {base + r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert base + "news" in pages
    assert first["logicalLocations"][0]["fullyQualifiedName"]


def test_sarif_meets_the_code_scanning_constraints(report: Report) -> None:
    sarif = to_sarif(report)
    assert code_scanning_problems(sarif) == []
    # The check does catch what the earlier shape did: page URLs as absolute http:// artifact URIs.
    broken = json.loads(json.dumps(sarif))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": fixtures.BASE}
    assert any("is an absolute http" in p for p in code_scanning_problems(broken))
    assert sarif["runs"][0]["automationDetails"]["id"].startswith("govaudit-accessibility/")


def test_junit_is_read_by_a_junit_parser(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "report.junit.xml"
    path.write_text(to_junit(report), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {fixtures.BASE + p for p in ("/", "/news", "/apply", "/doc.pdf")}
    home = {case.name: case for case in suites[fixtures.BASE + "/"]}
    assert "axe-core/video-caption" not in home  # inapplicable: no test case
    assert isinstance(home["axe-core/image-alt"].result[0], Failure)
    assert isinstance(home["axe-core/color-contrast"].result[0], Skipped)
    assert home["axe-core/document-title"].is_passed
    apply_ = {case.name: case for case in suites[fixtures.BASE + "/apply"]}
    assert isinstance(apply_["govaudit/page-language"].result[0], Error)
    assert xml.failures == 5 and xml.errors == 1 and xml.skipped == 1


def test_earl_assertions_use_the_earl_outcomes(report: Report) -> None:
    earl = to_earl(report)
    assert earl["@context"]["earl"] == "http://www.w3.org/ns/earl#"
    subjects = [n for n in earl["@graph"] if "earl:TestSubject" in n.get("@type", [])]
    assert len(subjects) == 4
    outcomes = {a["result"]["outcome"] for s in subjects for a in s["assertions"]}
    assert outcomes == {"earl:passed", "earl:failed", "earl:cantTell", "earl:inapplicable"}
    tests = {n["@id"] for n in earl["@graph"] if n.get("@type") == "TestCase"}
    assert all(a["test"] in tests for s in subjects for a in s["assertions"])
    image_alt = next(n for n in earl["@graph"] if n.get("title") == "axe-core/image-alt")
    assert image_alt["isPartOf"] == ["WCAG22:non-text-content"]
    failed = next(a for a in subjects[0]["assertions"] if a["result"]["outcome"] == "earl:failed")
    assert failed["result"]["pointer"][0]["@type"] == "ptr:CSSSelectorPointer"


def test_csv_has_one_row_per_issue_and_page(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    acc = report.accessibility
    assert len(rows) == sum(len(i.pages) for i in acc.issues + acc.needs_review)
    assert {r["outcome"] for r in rows} == {"failed", "needs_review"}


def test_statement_follows_the_site_language(tmp_path: Path) -> None:
    english = render(build_report(fixtures.run()), "statement")
    assert "partially compliant" in english and "1.1.1 Non-text Content" in english
    assert "Feedback and contact information" in english and "[Name of the public sector body]" in english
    french = render(build_report(fixtures.run(language="fr")), "statement")
    assert "Déclaration d'accessibilité" in french and "partiellement conforme" in french
    assert "Retour d'information et coordonnées" in french
    german = render(build_report(fixtures.run(language="de")), "statement")  # no template: English
    assert german.startswith("# Accessibility statement")


def test_gate_thresholds_and_baseline(report: Report, tmp_path: Path) -> None:
    assert not evaluate(report, "none").failed
    critical = evaluate(report, "critical")
    assert critical.failed and {i.rule_id for i in critical.blocking} == {"image-alt"}
    # best-practice "region" never gates; needs-review never gates.
    assert {i.rule_id for i in evaluate(report, "minor").blocking} == {"image-alt", "reflow-320", "pdf-tagged"}
    # ...unless asked for: LEVEL+best-practice gates best-practice failures of that impact too.
    asked = {i.rule_id for i in evaluate(report, "minor+best-practice").blocking}
    assert asked == {"image-alt", "reflow-320", "pdf-tagged", "region"}
    with pytest.raises(ValueError):
        evaluate(report, "loud+best-practice")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(render(report, "json"), encoding="utf-8")
    known = load_baseline(baseline)
    gate = evaluate(report, "minor", known, str(baseline))
    assert not gate.failed and gate.known == 3
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BadBaseline):
        load_baseline(tmp_path / "bad.json")


def test_formats_written_and_parsed(report: Report, tmp_path: Path) -> None:
    assert parse_formats("all") == FORMATS and parse_formats("sarif, junit") == ("sarif", "junit")
    with pytest.raises(UnknownFormat):
        parse_formats("html,pdf")
    paths = write_reports(report, tmp_path)
    assert {p.name for p in paths.values()} == {
        "report.html",
        "report.json",
        "report.csv",
        "report.sarif",
        "report.junit.xml",
        "report.earl.jsonld",
        "statement.md",
    }
    assert json.loads(paths["json"].read_text())["schema_version"] == "3"


def test_html_report_sections_trend_and_sample() -> None:
    earlier = [
        TrendPoint(run_id=5, started_at="2026-10-01", score=50.0, issues=9, wcag_failures=12, pages_audited=4)
    ]
    html = render_html(build_report(fixtures.run(sample=True), earlier))
    assert "<script" not in html and "<link" not in html
    for text in ("What is wrong", "Why it matters", "How to fix it", "Needs review by a person", "Documents (PDF)"):
        assert text in html
    assert 'aria-labelledby="chart-trend"' in html and "run 5 50, run 7 66" in html
    assert "seed <strong>7</strong>" in html
    assert html.index("image-alt help") < html.index("Content needs horizontal scrolling")  # priority order
    # Untrusted text from a site is escaped.
    hostile = fixtures.run(
        visits=(
            fixtures.visit(
                1,
                "/",
                (
                    fixtures.axe(
                        fixtures.BASE + "/",
                        "image-alt",
                        fixtures.Outcome.FAILED,
                        ("1.1.1",),
                        "critical",
                        description="<script>alert(1)</script>",
                    ),
                ),
            ),
        )
    )
    assert "<script>alert" not in render_html(build_report(hostile))


def test_changes_since_the_previous_run() -> None:
    from reports.history import changes
    from reports.serial import to_plain

    before = build_report(fixtures.run(run_id=6))
    fixed_home = tuple(r for r in fixtures.pages()[0].audits if r.rule_id != "image-alt")
    visits = (fixtures.visit(1, "/", fixed_home), *fixtures.pages()[1:3])
    after = build_report(fixtures.run(run_id=7, visits=visits))
    diff = changes(after, before)
    assert diff.previous_run == 6 and diff.new_issues == ()
    assert {i.rule_id for i in diff.fixed_issues} == {"pdf-tagged"}  # the PDF is gone from the run
    assert diff.score_before == 66.0 and diff.score_after == 77.3  # (100 + 32 + 100) / 3
    # A first run's changes are the one key, in dashboard.json.
    assert to_plain(changes(after, None)) == {"previous_run": None}


def test_an_element_failed_on_one_page_and_undecided_on_another_is_one_row() -> None:
    """The same rule on the same element shape is one row of the report, in "Issues to fix", with the
    pages where it could not be decided listed under it (seen on the CA template: axe color-contrast on a
    button failed on one page and incomplete on three)."""
    base = fixtures.BASE
    home, news, form = (base + p for p in ("/", "/news", "/apply"))
    axe, visit = fixtures.axe, fixtures.visit
    button = fixtures.AuditNode("main > a.btn", '<a class="btn" role="button">Apply</a>', "")
    contrast = ("1.4.3",)
    visits = (
        visit(1, "/", (axe(home, "color-contrast", fixtures.Outcome.FAILED, contrast, "serious", nodes=(button,)),)),
        visit(
            2,
            "/news",
            (axe(news, "color-contrast", fixtures.Outcome.NEEDS_REVIEW, contrast, "serious", nodes=(button,)),),
        ),
        visit(
            3,
            "/apply",
            (
                axe(
                    form, "color-contrast", fixtures.Outcome.NEEDS_REVIEW, contrast, "serious", nodes=(fixtures.img(1),)
                ),
            ),
        ),
    )
    report = build_report(fixtures.run(visits=visits))
    acc = report.accessibility
    assert [(i.rule_id, i.pages, i.review_pages) for i in acc.issues] == [("color-contrast", (home,), (news,))]
    # Another element shape stays a review row of its own.
    assert [(i.label, i.pages) for i in acc.needs_review] == [("img[src]", (form,))]
    assert report.summary.needs_review == 1
    html = render_html(report)
    assert "To check on 1 more page" in html
