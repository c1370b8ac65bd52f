"""1.4.10 Reflow at 320 px in real Chromium: the element named is the one that scrolls the page."""

from __future__ import annotations

import asyncio

import pytest

from audits.checks.reflow import ReflowCheck
from audits.outcome import Outcome
from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.render import Renderer, RenderSettings
from tests.audits.helpers import inspect_pages, only
from tests.localserver import page

pytestmark = pytest.mark.browser

# The CA State Web Template's pattern: a navigation slid off-canvas with position: fixed.
OFF_CANVAS_NAV = (
    '<nav id="menu" style="position:fixed;top:0;left:0;width:300px;transform:translateX(400px)">'
    '<a href="/a">Menu link</a></nav>'
)
LONG_WORD = '<h2><strong id="culprit" style="white-space:nowrap">3.&nbsp;Understandable:&nbsp;information</strong></h2>'


@pytest.fixture(scope="module")
def results(chromium: str) -> dict:
    return inspect_pages(
        chromium,
        {
            "/long-word": page("Long word", OFF_CANVAS_NAV + "<p>Text that wraps.</p>" + LONG_WORD),
            "/menu-only": page("Menu only", OFF_CANVAS_NAV + "<p>Text that wraps at any width.</p>"),
            "/scroll-box": page(
                "Table in its own scroll box",
                '<div style="overflow-x:auto"><table><tr>'
                + "".join(f"<td>cell&nbsp;number&nbsp;{i}</td>" for i in range(12))
                + "</tr></table></div>",
            ),
            "/wide-box": page(
                "Wide box", '<p>Intro</p><div><div id="wide" style="width:700px;height:20px"></div></div>'
            ),
            "/hidden": page(
                "Hidden wide box", '<p>Short</p><div style="visibility:hidden;width:900px;height:0">x</div>'
            ),
        },
        [ReflowCheck()],
    )


def test_the_element_that_reaches_past_the_edge_is_named_not_the_off_canvas_menu(results: dict) -> None:
    r = only(results["/long-word"], "reflow-320")
    assert r.outcome is Outcome.FAILED and r.wcag == ("1.4.10",)
    assert [n.selector for n in r.nodes] == ["#culprit"]
    assert "320 px wide viewport" in r.nodes[0].message and "off-canvas" not in r.nodes[0].message


def test_a_fixed_width_box_is_named_not_its_ancestors(results: dict) -> None:
    r = only(results["/wide-box"], "reflow-320")
    assert r.outcome is Outcome.FAILED
    assert [n.selector for n in r.nodes] == ["#wide"]


@pytest.mark.parametrize("path", ["/menu-only", "/scroll-box", "/hidden"])
def test_fixed_menus_and_boxes_that_scroll_themselves_pass(results: dict, path: str) -> None:
    r = only(results[path], "reflow-320")
    assert r.outcome is Outcome.PASSED and not r.nodes, r.nodes


def test_the_ca_state_template_names_the_strong_that_ends_past_320_px(chromium: str) -> None:
    """The CA State Web Template (../shared/corpora): accessibility.html scrolls because a heading's
    <strong> ends past the edge; its off-canvas fixed navigation, which every page has, is not named."""
    from tests.eval.harness import CORPORA, serve_folder

    folder = CORPORA / "ca-state-web-template-html"
    if not folder.is_dir():
        pytest.skip(f"corpus not found: {folder}")

    async def go(base: str) -> dict[str, AuditResult]:
        out = {}
        async with Renderer(AddressGuard(allow_private=True), RenderSettings(executable=chromium)) as renderer:
            for path in ("/accessibility.html", "/index.html"):
                outcome = await renderer.render(base + path, [ReflowCheck()])
                assert not outcome.inspection_errors, outcome.inspection_errors
                out[path] = only(outcome.inspections["reflow"], "reflow-320")
        return out

    with serve_folder(folder) as base:
        results = asyncio.run(asyncio.wait_for(go(base), 300))
    statement = results["/accessibility.html"]
    assert statement.outcome is Outcome.FAILED
    assert [n.html for n in statement.nodes] == ["<strong>3. Understandable:</strong>"]
    assert "to 360 px" in statement.nodes[0].message
    assert results["/index.html"].outcome is Outcome.PASSED
