"""The same template problem on many pages is one issue; different problems stay apart."""

from __future__ import annotations

from audits.dedup import element_shape, group_issues, issue_fingerprint, normalise_selector, snippet_shape
from audits.outcome import Outcome
from audits.result import IMPACT_LEVELS, AuditNode, AuditResult, impact_rank


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
    # One element of the template: one sample, on the first page it was seen on.
    first = ("https://gov.example/p0", header_logo(0).selector)
    assert [(s.page_url, s.node.selector) for s in issue.samples] == [first]


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


def test_one_header_link_under_different_paths_is_one_issue_with_distinct_samples() -> None:
    # axe picks the shortest selector unique in each page: the same shared-header link gets a new path
    # whenever the page around it differs. A second empty link of another shape stays its own issue.
    paths = ["#nav_list > li:nth-child(2) > a", ".top-level-nav > li > a", "header > nav > ul > li:nth-child(2) > a"]
    results = [
        failed(f"https://gov.example/{i}", "link-name", AuditNode(paths[i % 3], '<a href="javascript:;"></a>'))
        for i in range(30)
    ]
    results.append(
        failed("https://gov.example/x", "link-name", AuditNode("footer > a", '<a href="/x" class="social-7"></a>'))
    )
    header, footer = group_issues(results)
    assert header.occurrences == 30 and len(header.pages) == 30 and footer.pages == ["https://gov.example/x"]
    assert [(s.page_url, s.node.selector) for s in header.samples] == [
        (f"https://gov.example/{i}", paths[i]) for i in range(3)
    ]
    assert header.label == "a[href]" and footer.label == "a[class,href]"


def test_samples_with_a_screenshot_are_preferred() -> None:
    node = AuditNode("#search", '<input id="search" type="search">')
    results = [failed(f"https://gov.example/{i}", "label", node) for i in range(9)]
    [issue] = group_issues(results, has_screenshot=lambda url, selector: url.endswith("/6") and selector == "#search")
    assert [s.page_url for s in issue.samples] == ["https://gov.example/6"]
    [plain] = group_issues(results)
    assert [s.page_url for s in plain.samples] == ["https://gov.example/0"]


def test_element_shape_keeps_what_names_an_element() -> None:
    search = element_shape('<input type="Search" id="q" class="x" value="tax">')
    assert search == "input#q[type=search][class,id,type,value]"
    assert element_shape('<div id="post-4711" role="dialog">') == "div[role=dialog][id,role]"
    assert element_shape("no markup") == ""


def test_a_page_level_rule_is_one_issue_whatever_sticks_out() -> None:
    def reflow(url: str, *html: str) -> AuditResult:
        nodes = tuple(AuditNode(f"#n{i}", h, "extends to 900 px") for i, h in enumerate(html))
        return AuditResult(url, "govaudit", "0.1", "reflow-320", Outcome.FAILED, ("1.4.10",), nodes=nodes)

    results = [reflow(f"https://gov.example/{i}", "<table>", f'<img src="/{i}.png">', "<pre>") for i in range(12)]
    [issue] = group_issues(results)
    assert len(issue.pages) == 12 and issue.label == ""
    # The image differs from page to page only by a number: one element of the template, three samples.
    assert [s.node.html for s in issue.samples] == ["<table>", '<img src="/0.png">', "<pre>"]


def test_issues_are_listed_most_severe_first_and_those_without_an_impact_last() -> None:
    impacts = ["minor", None, "critical", "moderate", "serious"]
    results = [
        AuditResult(
            page_url="https://gov.example/",
            engine="axe-core",
            engine_version="4.14.1",
            rule_id=f"rule-{i}",
            outcome=Outcome.FAILED,
            impact=impact,
            nodes=(AuditNode(f"#n{i}", f'<p id="n{i}">x</p>'),),
        )
        for i, impact in enumerate(impacts)
    ]
    assert [issue.impact for issue in group_issues(results)] == ["critical", "serious", "moderate", "minor", None]
    assert [impact_rank(level) for level in IMPACT_LEVELS] == [0, 1, 2, 3]
    assert impact_rank(None) == impact_rank("unheard-of") == len(IMPACT_LEVELS)
