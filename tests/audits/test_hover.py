"""Content shown only on hover (2.1.1 / 1.4.13) on served pages in real Chromium."""

from __future__ import annotations

import pytest

from audits.checks.hover import HoverOnlyCheck
from audits.checks.page_rules import click_listeners_script
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only

pytestmark = pytest.mark.browser

MENU_CSS = """<style>
nav li { display: inline-block; position: relative; padding: 8px; }
nav li ul { display: none; position: absolute; top: 100%; left: 0; background: #fff; }
nav li:hover ul {SELECTORS_EXTRA} { display: block; }
</style>"""
MENU = """<nav><ul>
<li><a href="/services">Services</a><ul><li><a href="/services/tax">Tax</a></li>
<li><a href="/services/bins">Bins</a></li></ul></li>
<li><a href="/about">About</a></li></ul></nav>"""
TIP_SCRIPT = """<span id="help"><a href="/help" id="q">Help</a>
<span id="tip" hidden>Call 555 0100 on weekdays</span></span>
<script>
const q = document.getElementById('q'), tip = document.getElementById('tip');
q.addEventListener('mouseenter', () => { tip.hidden = false; });
q.addEventListener('mouseleave', () => { tip.hidden = true; });
EXTRA
</script>"""


def doc(body: str, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council</title>{head}</head>'
        f"<body><main><h1>Council</h1>{body}<p>Main text of the page.</p></main></body></html>"
    )


def test_hover_only_menu_and_tooltip_fail_and_focus_versions_pass(chromium: str) -> None:
    results = inspect_pages(
        chromium,
        {
            "/menu-hover-only": doc(MENU, MENU_CSS.replace("{SELECTORS_EXTRA}", "")),
            "/menu-focus-within": doc(MENU, MENU_CSS.replace("{SELECTORS_EXTRA}", ", nav li:focus-within ul")),
            "/tip-hover-only": doc(TIP_SCRIPT.replace("EXTRA", "")),
            "/tip-focus-too": doc(
                TIP_SCRIPT.replace(
                    "EXTRA",
                    "q.addEventListener('focus', () => { tip.hidden = false; });"
                    "q.addEventListener('blur', () => { tip.hidden = true; });",
                )
            ),
            # A tooltip that waits 150 ms before it shows, on hover and on focus alike.
            "/tip-delayed-focus-too": doc(
                TIP_SCRIPT.replace("tip.hidden = false;", "setTimeout(() => { tip.hidden = false; }, 150);").replace(
                    "EXTRA",
                    "q.addEventListener('focus', () => setTimeout(() => { tip.hidden = false; }, 150));"
                    "q.addEventListener('blur', () => { tip.hidden = true; });",
                )
            ),
            "/tip-delayed": doc(
                TIP_SCRIPT.replace("tip.hidden = false;", "setTimeout(() => { tip.hidden = false; }, 150);").replace(
                    "EXTRA", ""
                )
            ),
            "/pseudo-tip-span": doc(
                '<span class="tip" data-tip="Opening hours: 9 to 5">Hours</span>',
                "<style>.tip:hover::after { content: attr(data-tip); }</style>",
            ),
            "/button-toggle": doc(
                '<div class="m"><button type="button" aria-expanded="false" id="b">Menu</button>'
                '<ul id="l"><li><a href="/a">Apply</a></li></ul></div>'
                "<script>const b = document.getElementById('b');"
                "b.addEventListener('click', () => b.setAttribute('aria-expanded', "
                "b.getAttribute('aria-expanded') === 'true' ? 'false' : 'true'));</script>",
                "<style>#l { display: none } .m:hover #l, [aria-expanded=true] + #l { display: block }</style>",
            ),
            "/nothing": doc('<a href="/x">Plain link</a>', "<style>a:hover { color: red }</style>"),
        },
        [HoverOnlyCheck()],
        init_scripts=(click_listeners_script(),),
    )
    menu = only(results["/menu-hover-only"], "hover-only")
    assert menu.outcome is Outcome.FAILED, menu
    assert "Services" in menu.nodes[0].message and "link(s)" in menu.nodes[0].message
    tip = only(results["/tip-hover-only"], "hover-only")
    assert tip.outcome is Outcome.FAILED and "555 0100" in tip.nodes[0].message
    span = only(results["/pseudo-tip-span"], "hover-only")
    assert span.outcome is Outcome.NEEDS_REVIEW and span.nodes[0].message.endswith("?")
    assert "Opening hours" in span.nodes[0].message
    assert only(results["/tip-delayed"], "hover-only").outcome is Outcome.FAILED
    for path in ("/menu-focus-within", "/tip-focus-too", "/tip-delayed-focus-too", "/button-toggle"):
        assert only(results[path], "hover-only").outcome is Outcome.PASSED, (path, only(results[path], "hover-only"))
    assert only(results["/nothing"], "hover-only").outcome is Outcome.INAPPLICABLE
