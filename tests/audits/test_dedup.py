"""The same template problem on many pages is one issue; different problems stay apart."""

from __future__ import annotations

from audits.dedup import group_issues, issue_fingerprint, normalise_selector, snippet_shape
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult


def failed(
    url: str, rule: str, *nodes: AuditNode, outcome: Outcome = Outcome.FAILED, impact: str = "serious"
) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine="axe-core",
        engine_version="4.14.1",
        rule_id=rule,
        outcome=outcome,
        wcag=("1.4.3",),
        impact=impact,
        nodes=nodes,
    )


def header_logo(i: int) -> AuditNode:
    # What varies between pages of one template: position indices, generated ids, text and values.
    return AuditNode(
        selector=f"body > header:nth-child(1) > div#banner-{i} > a.logo:nth-of-type({1 + i % 3})",
        html=f'<a class="logo" href="/?from={i}" id="logo-{i}">Ministry {i}</a>',
        message="Element has insufficient color contrast",
    )


def test_selector_and_snippet_normalisation() -> None:
    assert (
        normalise_selector('main > ul > li:nth-child(7) > #post-4711 a[href="/n/9"]') == "main > ul > li > #* a[href]"
    )
    assert normalise_selector("div.css-1x2y3z>span.label") == "div.* > span.label"
    assert normalise_selector("#main-nav > a.decade") == "#main-nav > a.decade"  # authored names are kept
    assert snippet_shape('<img src="a.png" alt="" width=3>') == "img[alt,src,width]"
    assert snippet_shape("Some text, no tag") == ""


def test_same_header_problem_on_fifty_pages_is_one_issue() -> None:
    results = [failed(f"https://gov.example/p{i}", "color-contrast", header_logo(i)) for i in range(50)]
    # Passed results and inapplicable ones are never issues.
    results.append(AuditResult("https://gov.example/p0", "axe-core", "4.14.1", "image-alt", Outcome.PASSED))
    [issue] = group_issues(results)
    assert issue.occurrences == 50 and len(issue.pages) == 50 and issue.pages[0] == "https://gov.example/p0"
    assert issue.rule == "color-contrast" and issue.wcag == ("1.4.3",) and issue.impact == "serious"
    assert issue.selector == "body > header > div#* > a.logo" and issue.shape == "a[class,href,id]"
    assert len(issue.sample_nodes) == 5


def test_two_different_problems_stay_two_issues() -> None:
    results = []
    for i in range(50):
        footer = AuditNode(f"footer > p:nth-child({i % 4 + 1}) > a", f'<a href="/f{i}">x</a>', "contrast")
        results.append(failed(f"https://gov.example/p{i}", "color-contrast", header_logo(i), footer))
    results.append(failed("https://gov.example/form", "label", AuditNode("#q", '<input id="q">'), impact="critical"))
    issues = group_issues(results)
    assert [(i.rule, i.occurrences) for i in issues] == [("label", 1), ("color-contrast", 50), ("color-contrast", 50)]
    assert len({i.fingerprint for i in issues}) == 3


def test_same_element_with_different_outcomes_or_rules_differs() -> None:
    node = header_logo(1)
    a = failed("u", "color-contrast", node)
    b = failed("u", "color-contrast", node, outcome=Outcome.NEEDS_REVIEW)
    c = failed("u", "link-name", node)
    assert len({issue_fingerprint(r, node) for r in (a, b, c)}) == 3


def test_page_level_results_without_nodes_count_once_per_page() -> None:
    results = [
        AuditResult(f"https://gov.example/{i}", "govaudit", "0.1", "page-language", Outcome.FAILED, ("3.1.1",))
        for i in range(7)
    ]
    [issue] = group_issues(results)
    assert issue.occurrences == 7 and issue.selector == "" and issue.sample_nodes == []


def test_validator_errors_are_one_issue_per_message_whatever_their_line() -> None:
    def nu(url: str, line: int, message: str) -> AuditResult:
        node = AuditNode(
            selector=f"line {line}, column {line % 7 + 1}", html=f"<p>{line}</p><ul><div>", message=message
        )
        return AuditResult(url, "govaudit", "0.1", "html-validity", Outcome.FAILED, nodes=(node,))

    div_in_ul = "Element “div” not allowed as child of element “ul” in this context."
    results = [nu(f"https://gov.example/s{i}", 40 + i * 3, div_in_ul) for i in range(30)]
    results.append(nu("https://gov.example/s0", 12, "Duplicate ID “item-12”."))
    results.append(nu("https://gov.example/s1", 19, "Duplicate ID “item-19”."))
    results.append(nu("https://gov.example/s2", 40, "Stray end tag “section”."))
    issues = group_issues(results)
    assert sorted((len(i.pages), i.occurrences) for i in issues) == [(1, 1), (2, 2), (30, 30)]
