"""build_suite runs axe, reflow and our own checks; the page is left as the renderer set it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from audits.checks.page_rules import load_rules
from audits.inspectors import AuditSettings, build_suite
from audits.outcome import Outcome
from audits.result import AuditResult
from tests.audits.helpers import inspect_pages
from tests.localserver import page

OWN_RULES = {
    "page-title",
    "page-language",
    "bypass-blocks",
    "link-purpose-generic",
    "video-captions",
    "video-description",
    "video-only-alternative",
    "audio-transcript",
    "media-link-transcript",
    "text-spacing",
    "focus-visible",
    "keyboard-trap",
    "reflow-320",
    "language-of-parts",
    "text-clipped-zoom",
    "animated-image",
    "hover-only",
    "dialog-focus",
    *(rule.id for rule in load_rules()),
}


class PageState:
    """Runs last and records what the checks before it may have changed."""

    name = "state"

    async def inspect(self, page: object, url: str) -> Sequence[dict]:
        state = await page.evaluate(  # type: ignore[attr-defined]
            "() => ({w: innerWidth, h: innerHeight, y: scrollY, styles: document.querySelectorAll("
            "'style[data-govaudit]').length, focus: document.activeElement === document.body})"
        )
        return [state]


class Recorded:
    """An inspector whose results are kept apart from the others'."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.results = inner, inner.name, list[AuditResult]()

    async def inspect(self, page: object, url: str) -> Sequence[AuditResult]:
        self.results = list(await self.inner.inspect(page, url))
        return self.results


def test_suite_lists_our_checks_and_can_leave_them_out() -> None:
    names = [i.name for i in build_suite().inspectors]
    assert names[:2] == ["axe", "reflow"] and "keyboard" in names and "text-spacing" in names
    assert [i.name for i in build_suite(AuditSettings(own_checks=False)).inspectors] == ["axe", "reflow"]
    assert "keyboard" not in [i.name for i in build_suite(AuditSettings(keyboard_max_tabs=0)).inspectors]


@pytest.mark.browser
def test_every_check_reports_and_restores_the_page(chromium: str) -> None:
    suite = build_suite()
    own = [i for i in suite.inspectors if i.name != "axe"]  # axe needs its init script; covered elsewhere
    body = (
        "<p>"
        + "Renew your passport online. " * 20
        + "</p>"
        + "".join(f'<a href="/{i}">Service {i}</a> ' for i in range(8))
        # A hover menu and a dialog opener, far down the page: those checks scroll to them and must scroll back.
        + '<div style="height: 3000px"></div><style>.m ul { display: none } .m:hover ul { display: block }</style>'
        + '<div class="m"><a href="/m">More</a><ul><li><a href="/m/a">Archive</a></li></ul></div>'
        + '<button type="button" aria-haspopup="dialog" '
        + "onclick=\"document.getElementById('d').showModal()\">Help</button>"
        + '<dialog id="d"><p>Help</p><form method="dialog"><button>Close</button></form></dialog>'
    )
    recorded = [Recorded(inspector) for inspector in own]
    results = inspect_pages(chromium, {"/": page("Passports – Ministry", body)}, [*recorded, PageState()])["/"]
    audit: list[AuditResult] = [r for r in results if isinstance(r, AuditResult)]
    assert {r.rule_id for r in audit} == OWN_RULES
    # Each check says which rules it reports on (the ACT runner picks the checks a case is scored on by it).
    assert {check.name: {r.rule_id for r in check.results} for check in recorded} == {
        check.name: set(check.inner.rule_ids) for check in recorded
    }
    assert all(r.outcome is not Outcome.ERROR and r.engine == "govaudit" for r in audit)
    state = next(r for r in results if isinstance(r, dict))
    assert state == {"w": 1280, "h": 800, "y": 0, "styles": 0, "focus": True}
