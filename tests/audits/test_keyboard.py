"""2.4.7 and 2.1.2 from one Tab walk in real Chromium."""

from __future__ import annotations

import pytest

from audits.checks.keyboard import KeyboardCheck
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only
from tests.localserver import page

pytestmark = pytest.mark.browser

LINKS = "".join(f'<a href="/p{i}">Link {i}</a> ' for i in range(4))
NO_OUTLINE = "<style>a:focus, button:focus { outline: none }</style>"
# A Tab handler that swallows the key: focus can never leave the field.
STUCK = (
    '<a href="/a">A</a> <input id="t" aria-label="Search"> <a href="/b">B</a> <a href="/c">C</a>'
    "<script>document.getElementById('t').addEventListener('keydown', e => {"
    " if (e.key === 'Tab') e.preventDefault(); });</script>"
)
# Tab on the last link of a widget sends focus back to its first link: a cycle.
CYCLE = (
    '<div id="w"><a href="/a">A</a> <a href="/b" id="last">B</a></div> <a href="/c">C</a> <a href="/d">D</a>'
    "<script>document.getElementById('last').addEventListener('keydown', e => {"
    " if (e.key === 'Tab' && !e.shiftKey) { e.preventDefault(); document.querySelector('#w a').focus(); } });</script>"
)


@pytest.fixture(scope="module")
def results(chromium: str) -> dict:
    return inspect_pages(
        chromium,
        {
            "/default": page("Default focus ring", LINKS + "<button>Go</button><input aria-label='q'>"),
            "/shadow": page(
                "Custom indicator", LINKS, head="<style>a:focus{outline:none;box-shadow:0 0 0 3px #00f}</style>"
            ),
            # The indicator appears after a delay: measured right after Tab it would not be there yet.
            "/fade": page(
                "Fading indicator",
                LINKS,
                head="<style>a { outline: none; box-shadow: 0 0 0 0 transparent; transition: box-shadow 0.2s 3s; }"
                " a:focus { box-shadow: 0 0 0 3px #00f; }</style>",
            ),
            "/none": page("Outline removed", LINKS + "<button>Go</button>", head=NO_OUTLINE),
            "/partly": page(
                "One link without indicator",
                LINKS + '<a href="/x" class="bare">Bare</a>',
                head="<style>a.bare:focus { outline: none }</style>",
            ),
            "/stuck": page("Stuck", STUCK),
            "/cycle": page("Cycle", CYCLE),
            # Tab moves through a date input's day/month/year while it stays the active element.
            "/date": page("Date", '<a href="/a">A</a> <input type="date" aria-label="Birth date"> <a href="/b">B</a>'),
            # Tab presses inside a framed page keep the iframe as the active element: not a trap.
            "/frame": page(
                "Frame",
                '<a href="/a">A</a> <iframe title="Form" srcdoc="'
                + "".join(f"<a href='/f{i}'>F{i}</a> " for i in range(8))
                + '"></iframe> <a href="/b">B</a> <a href="/c">C</a> <a href="/d">D</a>',
            ),
            # Links inside a closed menu are not counted as reachable.
            "/hidden-menu": page(
                "Menu", '<a href="/a">A</a><div hidden><a href="/h1">H1</a><a href="/h2">H2</a></div><a href="/b">B</a>'
            ),
            "/text": page("Text only", "<p>Nothing to focus.</p>"),
        },
        [KeyboardCheck()],
    )


def test_default_and_custom_indicators_pass(results: dict) -> None:
    for path in ("/default", "/shadow", "/fade"):
        assert only(results[path], "focus-visible").outcome is Outcome.PASSED, path
        assert only(results[path], "keyboard-trap").outcome is Outcome.PASSED, path


def test_removed_outline_fails_on_every_element(results: dict) -> None:
    r = only(results["/none"], "focus-visible")
    assert r.outcome is Outcome.FAILED and r.wcag == ("2.4.7",)
    assert len(r.nodes) == 5 and r.nodes[0].selector.endswith("a:nth-of-type(1)")


def test_only_the_element_without_indicator_is_reported(results: dict) -> None:
    r = only(results["/partly"], "focus-visible")
    assert r.outcome is Outcome.FAILED
    assert [n.html for n in r.nodes] == ['<a href="/x" class="bare">Bare</a>']


def test_focus_that_cannot_leave_a_field_is_a_trap(results: dict) -> None:
    r = only(results["/stuck"], "keyboard-trap")
    assert r.outcome is Outcome.FAILED and r.wcag == ("2.1.2",)
    assert r.nodes[0].selector == "#t"


def test_focus_cycling_inside_a_widget_is_a_trap(results: dict) -> None:
    r = only(results["/cycle"], "keyboard-trap")
    assert r.outcome is Outcome.FAILED and "cycles" in r.reason


def test_inner_parts_of_a_date_input_are_not_a_trap(results: dict) -> None:
    assert only(results["/date"], "keyboard-trap").outcome is Outcome.PASSED


def test_framed_pages_and_hidden_menus_are_not_traps(results: dict) -> None:
    for path in ("/frame", "/hidden-menu"):
        assert only(results[path], "keyboard-trap").outcome is Outcome.PASSED, path
        assert only(results[path], "focus-visible").outcome is Outcome.PASSED, path


def test_page_without_focusable_elements_is_inapplicable(results: dict) -> None:
    assert {r.outcome for r in results["/text"]} == {Outcome.INAPPLICABLE}
