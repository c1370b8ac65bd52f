"""Text cut off at 200 % zoom (1.4.4) on served pages in real Chromium."""

from __future__ import annotations

import pytest

from audits.checks.zoom_clip import TextClippedZoomCheck
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only

pytestmark = pytest.mark.browser

TEXT = "Applications for housing benefit must reach the council office before the end of the month. " * 3


def doc(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>Benefits</title></head><body><main>{body}</main></body></html>'


def test_fixed_box_that_cuts_its_text_fails_and_growing_box_passes(chromium: str) -> None:
    results = inspect_pages(
        chromium,
        {
            # 3 lines at 1280 px; about 6 at 640 px, in a box 4 lines high.
            "/cut": doc(f'<div style="width: 60%; height: 4.2em; overflow: hidden; font-size: 16px">{TEXT}</div>'),
            "/grows": doc(f'<div style="width: 60%; min-height: 4.2em; overflow: hidden">{TEXT}</div>'),
            "/teaser": doc(
                f'<div><div style="height: 1.2em; overflow: hidden">{TEXT}</div><a href="/full">Full text</a></div>'
            ),
            "/sr-only": doc(
                '<span style="position: absolute; width: 1px; height: 1px; overflow: hidden; '
                'clip: rect(0 0 0 0)">Skip to the content of this page</span><p>Hello</p>'
            ),
        },
        [TextClippedZoomCheck()],
    )
    cut = only(results["/cut"], "text-clipped-zoom")
    assert cut.outcome is Outcome.FAILED and len(cut.nodes) == 1 and "cut off" in cut.nodes[0].message
    assert only(results["/grows"], "text-clipped-zoom").outcome is Outcome.PASSED
    teaser = only(results["/teaser"], "text-clipped-zoom")
    assert teaser.outcome is Outcome.NEEDS_REVIEW and teaser.nodes[0].message.endswith("?")
    assert only(results["/sr-only"], "text-clipped-zoom").outcome is Outcome.INAPPLICABLE
