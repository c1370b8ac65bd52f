"""Every page rule (audits/data/page_rules) on a page that breaks it and one that does not, in real Chromium."""

from __future__ import annotations

import pytest

from audits.checks.page_rules import PageRulesCheck, click_listeners_script, load_rules
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only

pytestmark = pytest.mark.browser

LOREM = (
    "The council publishes its decisions, its budget and the minutes of every public meeting on this site, "
    "together with the forms residents need to apply for permits and benefits. "
)


def doc(body: str, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council services</title>{head}</head>'
        f"<body><main>{body}</main></body></html>"
    )


IMG = 'src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"'

# rule id → (a page that breaks the rule, the outcome it must get, a page that satisfies it)
CASES: dict[str, tuple[str, Outcome, str]] = {
    "link-void-target": (
        doc('<a href="#">Subscribe</a>'),
        Outcome.NEEDS_REVIEW,
        doc('<a href="/subscribe">Subscribe</a> <a href="#" role="button">Menu</a>'),
    ),
    "link-same-name-different-target": (
        doc('<p><a href="/forms/a">Application form</a></p><p><a href="/forms/b">Application form</a></p>'),
        Outcome.NEEDS_REVIEW,
        doc('<p><a href="/forms/a">Application form</a></p><p><a href="/forms/a#top">Application form</a></p>'),
    ),
    "link-new-window": (
        doc('<a href="/map" target="_blank">City map</a>'),
        Outcome.FAILED,
        doc('<a href="/map" target="_blank">City map (opens in a new tab)</a> <a href="/x" target="_self">X</a>'),
    ),
    "link-document-format": (
        doc('<a href="/files/budget-2024.pdf">Budget 2024</a>'),
        Outcome.FAILED,
        doc('<a href="/files/budget-2024.pdf">Budget 2024</a> (PDF, 2 MB) <a href="/b.xlsx">Budget (Excel)</a>'),
    ),
    "img-alt-filename": (
        doc(f'<img {IMG} alt="DSC_0042.JPG">'),
        Outcome.FAILED,
        doc(f'<img {IMG} alt="The mayor opens the new library">'),
    ),
    "img-empty-alt-with-title": (
        doc(f'<img {IMG} alt="" title="Floor plan of the town hall">'),
        Outcome.FAILED,
        doc(f'<img {IMG} alt=""> <img {IMG} alt="Floor plan" title="Ground floor">'),
    ),
    "img-alt-repeats-title": (
        doc(f'<img {IMG} alt="Town hall" title="Town hall">'),
        Outcome.FAILED,
        doc(f'<img {IMG} alt="Town hall" title="Photo: J. Smith, 2021">'),
    ),
    "link-adjacent-same-target": (
        doc(f'<p><a href="/news"><img {IMG} alt="News"></a> <a href="/news">News</a></p>'),
        Outcome.FAILED,
        doc(f'<p><a href="/news"><img {IMG} alt=""> News</a> <a href="/events">Events</a></p>'),
    ),
    "fieldset-legend": (
        doc('<form><fieldset><legend> </legend><label>Name <input name="n"></label></fieldset></form>'),
        Outcome.FAILED,
        doc('<form><fieldset><legend>Your details</legend><label>Name <input name="n"></label></fieldset></form>'),
    ),
    "radio-group": (
        doc(
            "<form><p>Do you rent?</p><label><input type=radio name=rent value=y> Yes</label>"
            "<label><input type=radio name=rent value=n> No</label></form>"
        ),
        Outcome.FAILED,
        doc(
            "<form><fieldset><legend>Do you rent?</legend><label><input type=radio name=rent value=y> Yes</label>"
            "<label><input type=radio name=rent value=n> No</label></fieldset></form>"
        ),
    ),
    "change-navigates": (
        doc('<select onchange="window.location.href=this.value"><option value="/a">A</option></select>'),
        Outcome.FAILED,
        doc('<form action="/go"><select name="to"><option value="/a">A</option></select><button>Go</button></form>'),
    ),
    # A listener added by script, marked by the click_listeners.js init script (no onclick attribute to see).
    "click-not-focusable": (
        doc(
            '<span id="send" style="cursor: pointer">Send</span>'
            "<script>document.getElementById('send').addEventListener('click', () => {})</script>"
        ),
        Outcome.FAILED,
        doc(
            '<div role="button" tabindex="0" onclick="alert(1)">Send</div>'
            '<div onclick="void 0"><button>Delegated</button></div>'
            '<span id="deco" style="cursor: pointer">Styled, no listener</span>'
        ),
    ),
    "accesskey": (
        doc('<a href="/search" accesskey="4">Search</a>'),
        Outcome.FAILED,
        doc('<a href="/search">Search</a>'),
    ),
    "text-justified": (
        doc(f'<p style="text-align: justify">{LOREM * 2}</p>'),
        Outcome.FAILED,
        doc(f"<p>{LOREM * 2}</p>"),
    ),
    "text-too-small": (
        doc(f'<p>{LOREM}</p><p style="font-size: 7px">Terms and conditions apply</p>'),
        Outcome.FAILED,
        doc(f'<p style="font-size: 12px">{LOREM}</p>'),
    ),
    "text-capitals": (
        doc("<p>APPLICATIONS FOR THE SPRING SESSION CLOSE ON FRIDAY AT NOON</p>"),
        Outcome.FAILED,
        doc(f"<p>Applications for the spring session close on Friday at noon. NASA and the EU.</p><p>{LOREM}</p>"),
    ),
    "text-italics": (
        doc(f'<p style="font-style: italic">{LOREM * 2}</p>'),
        Outcome.FAILED,
        doc(f"<p>{LOREM} <em>Apply before Friday.</em> {LOREM}</p><blockquote><i>{LOREM * 2}</i></blockquote>"),
    ),
    "focus-changes-context": (
        doc('<a href="/help" onfocus="window.location.href=\'/help\'">Help</a>'),
        Outcome.FAILED,
        doc('<a href="/help" onfocus="this.classList.add(\'on\')">Help</a>'),
    ),
    "link-title-redundant": (
        doc('<a href="/tax" title="Council tax">Council tax</a>'),
        Outcome.FAILED,
        doc(
            '<a href="/tax" title="Rates, discounts and how to pay">Council tax</a>'
            '<a href="/fb" title="Facebook" class="icon-facebook"></a>'
        ),
    ),
    "hint-not-associated": (
        doc(
            '<form><label for="dob">Date of birth</label><input id="dob" name="dob">'
            '<span class="hint">For example, 31 3 1980</span></form>'
        ),
        Outcome.NEEDS_REVIEW,
        doc(
            '<form><label for="dob">Date of birth</label><div id="dob-hint" class="hint">For example, 31 3 1980</div>'
            '<input id="dob" name="dob" aria-describedby="dob-hint"></form>'
        ),
    ),
    "css-generated-content": (
        doc('<span class="price">12</span>', '<style>.price::after { content: " euros per month"; }</style>'),
        Outcome.NEEDS_REVIEW,
        doc('<q class="x">Hello</q> <ol><li>One</li></ol>', '<style>.x::before { content: "\\201C"; }</style>'),
    ),
    "table-headers": (
        doc(
            "<table><tr><td><b>District</b></td><td><b>Residents</b></td></tr>"
            "<tr><td>North</td><td>12,400</td></tr><tr><td>South</td><td>9,800</td></tr></table>"
            # A caption makes it data; headers naming <td> cells are no header cells.
            '<table><caption>Staff</caption><tr><td id="n">Name</td><td id="r">Role</td></tr>'
            '<tr><td headers="n">Ana</td><td headers="r">Clerk</td></tr></table>'
        ),
        Outcome.FAILED,
        doc(
            "<table><tr><th>District</th><th>Residents</th></tr>"
            "<tr><td>North</td><td>12,400</td></tr></table>"
            '<table role="presentation"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>'
        ),
    ),
    "table-nested": (
        doc("<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>"),
        Outcome.FAILED,
        doc("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>"),
    ),
    "heading-faked": (
        doc(f"<p><strong>Opening hours</strong></p><p>{LOREM}</p>"),
        Outcome.NEEDS_REVIEW,
        doc(f"<h2>Opening hours</h2><p>{LOREM}</p><p>Call us: <strong>555 0100</strong> any day.</p>"),
    ),
    "rtl-without-dir": (
        doc("<p>يمكنكم تقديم طلب الحصول على رخصة البناء عبر الإنترنت</p>"),
        Outcome.FAILED,
        doc('<p dir="rtl" lang="ar">يمكنكم تقديم طلب الحصول على رخصة البناء عبر الإنترنت</p>'),
    ),
}


def test_an_onclick_attribute_on_a_div_is_a_fake_button_too(chromium: str) -> None:
    page = doc('<div class="btn" onclick="alert(1)">Send</div>')
    results = inspect_pages(chromium, {"/": page}, [PageRulesCheck()])["/"]  # no init script: the attribute
    assert only(results, "click-not-focusable").outcome is Outcome.FAILED


def test_every_rule_has_a_case_and_complete_metadata() -> None:
    rules = load_rules()
    assert {r.id for r in rules} == set(CASES)
    for rule in rules:
        assert rule.what and rule.why and rule.fix, rule.id
        assert rule.level in {"A", "AA", "AAA", "best-practice"}, rule.id
        assert rule.is_wcag == (rule.level in {"A", "AA"})


@pytest.fixture(scope="module")
def outcomes(chromium: str) -> dict[str, list]:
    routes = {}
    for rule_id, (bad, _, good) in CASES.items():
        routes[f"/{rule_id}/bad"] = bad
        routes[f"/{rule_id}/good"] = good
    return inspect_pages(chromium, routes, [PageRulesCheck()], init_scripts=(click_listeners_script(),))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_flags_the_barrier_and_passes_the_fix(outcomes: dict[str, list], rule_id: str) -> None:
    _, expected, _ = CASES[rule_id]
    bad = only(outcomes[f"/{rule_id}/bad"], rule_id)
    assert bad.outcome is expected, (bad.outcome, bad.reason)
    # One element named per finding, with a message that is a statement (failed) or a question (review).
    assert bad.nodes and all(n.selector and n.html for n in bad.nodes)
    if expected is Outcome.NEEDS_REVIEW:
        assert all(n.message.rstrip().endswith("?") for n in bad.nodes)
    good = only(outcomes[f"/{rule_id}/good"], rule_id)
    assert good.outcome in (Outcome.PASSED, Outcome.INAPPLICABLE), (good.outcome, good.nodes)


def test_no_rule_errors_or_fails_on_any_good_page(outcomes: dict[str, list]) -> None:
    """The fixed pages are accessible as a whole: no other rule may fail them either."""
    for path, results in outcomes.items():
        assert not [r.rule_id for r in results if r.outcome is Outcome.ERROR], path
        if path.endswith("/good"):
            assert not [r.rule_id for r in results if r.outcome is Outcome.FAILED], path


def test_table_with_a_caption_or_headers_naming_data_cells_has_no_header_cells(outcomes: dict[str, list]) -> None:
    bad = only(outcomes["/table-headers/bad"], "table-headers")
    assert len(bad.nodes) == 2 and "Staff" in bad.nodes[1].html, bad.nodes
