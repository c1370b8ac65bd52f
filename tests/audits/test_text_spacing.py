"""1.4.12: text clipped only once the WCAG spacing is applied fails; free-flowing text passes."""

from __future__ import annotations

import pytest

from audits.checks.text_spacing import TextSpacingCheck
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only
from tests.localserver import page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def results(chromium: str) -> dict:
    return inspect_pages(
        chromium,
        {
            "/flows": page(
                "Flows",
                "<p>Text in a paragraph wraps and grows with its spacing.</p>"
                "<div style='overflow:hidden'>A box without a fixed height grows too.</div>"
                # Already scrolling before the override: not this criterion's business.
                "<div style='height:20px;overflow:hidden'>" + "long text " * 40 + "</div>",
            ),
            "/clips": page(
                "Clips",
                "<div id='label' style='height:1.2em;line-height:1.2;overflow:hidden;width:300px'>Fixed height</div>"
                "<button style='width:100px;white-space:nowrap;overflow:hidden;font-size:16px'>Submit form</button>",
            ),
            "/empty": "<!doctype html><html lang=en><title>x</title><body><img alt='' src='data:,'></body></html>",
        },
        [TextSpacingCheck()],
    )


def test_text_that_flows_passes(results: dict) -> None:
    r = only(results["/flows"], "text-spacing")
    assert r.outcome is Outcome.PASSED and r.wcag == ("1.4.12",) and r.engine == "govaudit"


def test_fixed_boxes_that_clip_fail_with_their_nodes(results: dict) -> None:
    r = only(results["/clips"], "text-spacing")
    assert r.outcome is Outcome.FAILED and r.reason
    selectors = [n.selector for n in r.nodes]
    assert "#label" in selectors and any(s.endswith("button") for s in selectors)
    assert all("clipped" in n.message for n in r.nodes)


def test_page_without_text_is_inapplicable(results: dict) -> None:
    assert only(results["/empty"], "text-spacing").outcome is Outcome.INAPPLICABLE


def test_a_page_script_that_answers_the_spacing_is_given_the_chance(chromium: str) -> None:
    # The script frees the fixed-height box once a style sheet is added to the head (as ours is):
    # measured at once, before the script ran, the box would read as clipped.
    fixes = (
        "<div id='box' style='height:1.2em;line-height:1.2;overflow:hidden;width:300px'>Fixed height</div>"
        "<script>new MutationObserver(() => { document.getElementById('box').style.height = 'auto'; })"
        ".observe(document.head, {childList: true});</script>"
    )
    results = inspect_pages(chromium, {"/fixes": page("Fixes", fixes)}, [TextSpacingCheck()])
    assert only(results["/fixes"], "text-spacing").outcome is Outcome.PASSED
