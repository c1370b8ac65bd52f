"""Issue 15 item 10: report.html and dashboard.html never turn a crawled URL that is not http(s)
into a link, and carry a Content-Security-Policy that allows no script."""

from __future__ import annotations

import dataclasses

import pytest
from selectolax.lexbor import LexborHTMLParser

from reports import build_report
from reports.links import link, safe_href
from reports.render import render_html
from reports.types import Evidence, Report
from tests.reports import fixtures

HOSTILE = ("javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>")


def _hostile_report() -> Report:
    report = build_report(fixtures.run())
    # As a catalogue API can hand them over: as evidence of an answer and as a page of an issue.
    evidence = tuple(Evidence(url, "", "open data", "", None) for url in (*HOSTILE, fixtures.BASE + "/data"))
    answers = (dataclasses.replace(report.answers[0], evidence=evidence), *report.answers[1:])
    issues = report.accessibility.issues
    issue = dataclasses.replace(issues[0], pages=(*HOSTILE, *issues[0].pages))
    accessibility = dataclasses.replace(report.accessibility, issues=(issue, *issues[1:]))
    return dataclasses.replace(report, answers=answers, accessibility=accessibility)


def test_report_html_links_only_http_and_shows_the_rest_as_text() -> None:
    html = render_html(_hostile_report())
    tree = LexborHTMLParser(html)
    hrefs = [a.attributes.get("href") or "" for a in tree.css("a")]
    external = [h for h in hrefs if not h.startswith("#")]
    assert external, "the report links its pages and evidence"
    assert all(h.startswith(("http://", "https://")) for h in external), external
    assert fixtures.BASE + "/data" in hrefs  # the http(s) evidence is still a link
    text = tree.body.text() if tree.body else ""
    for url in HOSTILE:
        assert url in text  # shown, as text, for the reviewer to see
    assert "<script>alert(1)</script>" not in html  # and escaped


def test_report_html_has_a_csp_that_allows_no_script() -> None:
    tree = LexborHTMLParser(render_html(_hostile_report()))
    metas = [m for m in tree.css("meta") if (m.attributes.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    policy = {d.split()[0]: d.split()[1:] for d in (metas[0].attributes.get("content") or "").split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert not tree.css("script")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://gov.example/a", "https://gov.example/a"),
        (" http://gov.example/ ", "http://gov.example/"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("http://[::1", None),
        ("//gov.example/", None),
        ("", None),
    ],
)
def test_safe_href(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_link_escapes_its_text() -> None:
    assert (
        str(link("javascript:x", '<b onmouseover="x">')) == '<span class="url">&lt;b onmouseover=&#34;x&#34;&gt;</span>'
    )
