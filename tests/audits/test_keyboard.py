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

# GOV.UK Frontend's pattern: the real input is transparent and focus is drawn on the label's ::before.
CHECKBOX_CSS = (
    ".c{position:relative;padding-left:54px;min-height:44px;margin:8px 0}"
    ".c input{opacity:0;position:absolute;left:0;top:0;width:44px;height:44px;margin:0}"
    ".c label::before{content:'';position:absolute;left:0;top:0;width:40px;height:40px;border:2px solid #000}"
)
CHECKBOXES = "".join(
    f'<div class="c"><input id="o{i}" type="checkbox"><label for="o{i}">Option {i}</label></div>' for i in range(3)
)
LABEL_RING = (
    "<style>" + CHECKBOX_CSS + ".c input:focus + label::before{border-width:4px;box-shadow:0 0 0 3px #fd0}</style>"
)
NO_RING = "<style>" + CHECKBOX_CSS + "</style>"
# GOV.UK's accordion: the button's own look stays, a child span gets the yellow background.
CHILD_SPAN = (
    "<style>button{all:unset;cursor:pointer} button:focus span{background:#fd0;box-shadow:0 -2px #fd0,0 4px #0b0c0c}"
    "</style>" + "".join(f"<button><span>Section {i}</span></button> " for i in range(3))
)
# A 2 px dot appears beside the label on focus: something changed, too little to be sure it is seen.
TINY_MARK = (
    "<style>" + CHECKBOX_CSS + ".c input:focus + label::after{content:'';position:absolute;left:46px;top:20px;"
    "width:2px;height:2px;background:#000}</style>"
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
            "/label-ring": page("Label ring", CHECKBOXES, head=LABEL_RING),
            "/no-ring": page("No ring", CHECKBOXES, head=NO_RING),
            "/child-span": page("Child span", CHILD_SPAN),
            "/tiny-mark": page("Tiny mark", CHECKBOXES, head=TINY_MARK),
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


def test_focus_drawn_on_a_sibling_label_or_a_child_passes(results: dict) -> None:
    for path in ("/label-ring", "/child-span"):
        r = only(results[path], "focus-visible")
        assert r.outcome is Outcome.PASSED, (path, r.reason, r.nodes)


def test_transparent_inputs_whose_labels_do_not_change_fail(results: dict) -> None:
    r = only(results["/no-ring"], "focus-visible")
    assert r.outcome is Outcome.FAILED and r.impact == "serious"
    assert [n.selector for n in r.nodes] == ["#o0", "#o1", "#o2"]
    assert all("no pixel" in n.message for n in r.nodes)


def test_a_change_too_small_to_be_sure_of_needs_review_with_both_crops(results: dict) -> None:
    r = only(results["/tiny-mark"], "focus-visible")
    assert r.outcome is Outcome.NEEDS_REVIEW, (r.reason, r.nodes)
    assert [n.selector for n in r.nodes] == ["#o0", "#o1", "#o2"]
    for node in r.nodes:
        before, after = node.images
        assert before.startswith("data:image/png;base64,") and after.startswith("data:image/png;base64,")
        assert before != after


def test_changed_pixels_counts_only_real_changes() -> None:
    import io

    from PIL import Image

    from audits.checks.keyboard import changed_pixels

    def png(marks: int, shade: int = 0) -> bytes:
        image = Image.new("RGB", (20, 10), (255 - shade, 255, 255))
        for x in range(marks):
            image.putpixel((x, 5), (0, 0, 0))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()

    assert changed_pixels(png(0), png(0)) == 0
    assert changed_pixels(png(0), png(0, shade=10)) == 0  # rounding, not an indicator
    assert changed_pixels(png(0), png(7)) == 7
