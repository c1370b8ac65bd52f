"""Screenshots taken while the page is open: one highlighted crop per distinct failing element (a few
per issue across the run, whatever the number of pages), a small first screen of every page, and the
page left as it was found."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audits.axe import AxeInspector, find_axe_script
from audits.result import PAGE_VIEW, ElementShot
from audits.screenshots import ScreenshotTaker
from tests.audits.helpers import inspect_pages

IMAGES = ("logo", "chart", "map", "photo")


def _page(image: str) -> str:
    # A shared header with an empty link (axe link-name), and an image without alt text that differs per page.
    return (
        '<!doctype html><html lang="en"><title>Page</title><body><header><nav style="padding: 8px">'
        '<a href="javascript:;" class="menu"></a></nav></header><main><h1>Page</h1>'
        f'<p>{"Text. " * 300}</p><img src="/{image}.png" width="200" height="80"></main></body></html>'
    )


class PageAfter:
    """Runs after the screenshots: what they left in the page."""

    name = "after"

    async def inspect(self, page: Any, url: str) -> Sequence[dict[str, Any]]:
        return [await page.evaluate("() => ({overlay: !!document.getElementById('govaudit-highlight'), y: scrollY})")]


def test_one_crop_per_distinct_element_a_few_per_issue_and_a_view_of_every_page(chromium: str) -> None:
    taker = ScreenshotTaker(per_issue=3)
    routes = {f"/{image}": _page(image) for image in IMAGES}
    axe = AxeInspector(find_axe_script())
    found = inspect_pages(chromium, routes, [axe, taker, PageAfter()], init_scripts=(axe.script,))
    shots = {path: [r for r in results if isinstance(r, ElementShot)] for path, results in found.items()}
    crops = [s for page_shots in shots.values() for s in page_shots if s.selector != PAGE_VIEW]
    # The empty header link (shown by the box around it): one element of the template on four pages, one
    # crop. Four distinct images: three crops, the most of one issue.
    assert sorted(s.selector for s in crops) == ["a", "img", "img", "img"]
    for page_shots in shots.values():
        [view] = [s for s in page_shots if s.selector == PAGE_VIEW]
        assert (view.width, view.height) == (320, 160)  # the top 1280 × 640 of the screen at a quarter
    for shot in crops:
        assert shot.image.startswith(b"\xff\xd8") and shot.media_type == "image/jpeg"
        assert 0 < shot.width <= taker.max_width and 0 < shot.height <= taker.max_height
    # The highlight is removed and the page scrolled back to its top.
    assert all(r == {"overlay": False, "y": 0} for results in found.values() for r in results if isinstance(r, dict))


def test_nothing_failing_still_gets_a_view_of_the_page(chromium: str) -> None:
    clean = '<!doctype html><html lang="en"><title>Clean</title><body><main><h1>Fine</h1></main></body></html>'
    axe = AxeInspector(find_axe_script())
    found = inspect_pages(chromium, {"/": clean}, [axe, ScreenshotTaker()], init_scripts=(axe.script,))
    assert not [r for r in found["/"] if getattr(r, "rule_id", "") == "axe-run"]  # axe did run
    shots = [r for r in found["/"] if isinstance(r, ElementShot)]
    assert [s.selector for s in shots] == [PAGE_VIEW]
