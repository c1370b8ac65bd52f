"""Screenshots taken while the page is open: one highlighted crop per distinct failing element (a few
per issue across the run, whatever the number of pages), a small first screen of every page, and the
page left as it was found."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from PIL import Image, ImageStat

from audits.axe import AxeInspector, find_axe_script
from audits.result import PAGE_VIEW, ElementShot
from audits.screenshots import ScreenshotTaker, scroll_clock_script
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


# A header that turns dark as soon as the page scrolls and light again only a moment after it is back at the
# top: a debounced scroll handler, as sticky headers that turn compact have.
_DEBOUNCED_HEADER = (
    '<!doctype html><html lang="en"><title>Sticky</title><body style="margin: 0">'
    '<header id="h" style="height: 200px; background: rgb(255, 255, 255)">Header</header>'
    '<main><h1>Long page</h1><div style="height: 3000px"></div><img src="/far.png" width="200" height="80"></main>'
    "<script>const h = document.getElementById('h'); let t; const handler = () => { clearTimeout(t);"
    "if (scrollY > 0) h.style.background = 'rgb(0, 0, 0)';"
    "else t = setTimeout(() => { h.style.background = 'rgb(255, 255, 255)'; }, 80); }; LISTEN</script></body></html>"
)
LISTEN = {"listener": "addEventListener('scroll', handler);", "property": "window.onscroll = handler;"}


def _header_brightness(view: ElementShot) -> float:
    with Image.open(io.BytesIO(view.image)) as image:
        header = image.convert("L").crop((0, 0, view.width, 40))  # the top of the header, at a quarter scale
        return float(ImageStat.Stat(header).mean[0])


@pytest.mark.parametrize(("with_clock", "listen"), [(True, "listener"), (True, "property"), (False, "listener")])
def test_the_page_view_waits_for_debounced_scroll_handlers(chromium: str, with_clock: bool, listen: str) -> None:
    """Cropping the image far down scrolls the page; back at the top, the view is taken only once the page's
    debounced handler has put the header back: with the scroll clock (it knows whether the page listens for
    scrolling, by addEventListener or onscroll, and when it last scrolled) or without it (the full wait)."""
    axe = AxeInspector(find_axe_script())
    scripts = (axe.script, scroll_clock_script()) if with_clock else (axe.script,)
    found = inspect_pages(
        chromium,
        {"/": _DEBOUNCED_HEADER.replace("LISTEN", LISTEN[listen])},
        [axe, ScreenshotTaker()],
        init_scripts=scripts,
    )
    shots = [r for r in found["/"] if isinstance(r, ElementShot)]
    assert "img" in {s.selector for s in shots}  # the crop far down happened, so the page did scroll
    [view] = [s for s in shots if s.selector == PAGE_VIEW]
    assert _header_brightness(view) > 200, "the view shows the header as it was while scrolled"
