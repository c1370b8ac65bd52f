"""Resizing a live page (crawler/viewport.py): what is read after a resize is the page once it has answered it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any, cast

import pytest
from playwright.async_api import Browser, Page, ViewportSize

from crawler.addresses import AddressGuard
from crawler.render import DESKTOP, Renderer, RenderSettings
from crawler.viewport import RESIZE_EVENT_CAP_MS, RESIZE_TIMERS_SCRIPT, resize
from tests.localserver import LocalServer, page
from tests.module_browser import ModuleBrowser

pytestmark = pytest.mark.browser

# The CA State Web Template's pattern: a resize listener clears and sets a 250 ms timer, and the timer
# changes the page. Below 500 px the answer is a box wider than the viewport; each answer is counted.
_DEBOUNCED_RESIZE = """<div id="box" style="height:10px;width:10px"></div>
<script>
  let timer = 0;
  document.body.dataset.answers = "0";
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      document.body.dataset.answers = String(Number(document.body.dataset.answers) + 1);
      document.body.dataset.width = String(window.innerWidth);
      document.getElementById("box").style.width = window.innerWidth < 500 ? "900px" : "10px";
    }, 250);
  });
  // A media query's change listener with a timer of its own.
  matchMedia("(max-width: 500px)").addEventListener("change", (e) => {
    setTimeout(() => { document.body.dataset.narrow = String(e.matches); }, 300);
  });
  // A timer set outside any resize keeps its own time.
  setTimeout(() => { document.body.dataset.late = "yes"; }, 5000);
</script>"""
_READ = "() => ({...document.body.dataset})"


class _BodyData:
    """An inspector that reads the body's data attributes when its turn comes."""

    name = "body-data"

    async def inspect(self, page: Page, url: str) -> Sequence[Any]:
        return [await page.evaluate(_READ)]


def test_the_measurement_and_the_inspectors_see_the_page_after_it_answered_each_resize(chromium: str) -> None:
    with LocalServer({"/": page("Debounced", _DEBOUNCED_RESIZE)}) as server:

        async def render() -> tuple[dict[str, float], dict[str, str]]:
            settings = RenderSettings(executable=chromium, measure_widths=(375,))
            async with Renderer(AddressGuard(allow_private=True), settings) as renderer:
                outcome = await renderer.render(server.url("/"), [_BodyData()])
            assert not outcome.error and not outcome.inspection_errors, outcome
            return outcome.measurements, outcome.inspections["body-data"][0]

        measurements, data = asyncio.run(render())
    # At 375 px the page's answer (a 900 px box) was in place when the overflow was measured.
    assert measurements["overflow_375"] > 400
    # Each resize answered once, the last at the desktop width, before the inspector read the page.
    assert data["answers"] == "2" and data["width"] == "1280"
    assert data["narrow"] == "false"
    # The timer not set under a resize was left alone.
    assert "late" not in data


@pytest.fixture(scope="module")
def module_browser(chromium: str) -> Iterator[ModuleBrowser]:
    """One browser for the tests that drive a page by hand, with the init script alone."""
    with ModuleBrowser(chromium) as browser:
        yield browser


async def _new_page(browser: Browser) -> Page:
    context = await browser.new_context(viewport=DESKTOP)
    await context.add_init_script(script=RESIZE_TIMERS_SCRIPT)
    return await context.new_page()


class _LateViewport:
    """A page whose new viewport size reaches the renderer a while after `set_viewport_size` returned, as it
    does on a loaded machine (the size travels on a channel of its own): anything else goes to the page."""

    def __init__(self, page: Page, delay_s: float) -> None:
        self._page = page
        self._delay_s = delay_s
        self.changes: list[asyncio.Task[None]] = []

    async def set_viewport_size(self, size: ViewportSize) -> None:
        async def later() -> None:
            await asyncio.sleep(self._delay_s)
            await self._page.set_viewport_size(size)

        self.changes.append(asyncio.ensure_future(later()))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


def test_a_resize_that_reaches_the_page_late_is_waited_for_before_its_timers_run(
    module_browser: ModuleBrowser,
) -> None:
    with LocalServer({"/": page("Debounced", _DEBOUNCED_RESIZE)}) as server:

        async def resize_late(browser: Browser) -> list[dict[str, str]]:
            seen = []
            live = await _new_page(browser)
            await live.goto(server.url("/"))
            late = _LateViewport(live, delay_s=0.3)
            for width in (375, 1280):
                await resize(cast(Page, late), {"width": width, "height": 800})
                seen.append(await live.evaluate(_READ))
            await asyncio.gather(*late.changes)
            return seen

        narrow, wide = module_browser.run(resize_late)
    # Each read saw the page's answer to the size it was read at, and nothing else had run.
    assert (narrow.get("answers"), narrow.get("width"), narrow.get("narrow")) == ("1", "375", "true")
    assert (wide.get("answers"), wide.get("width"), wide.get("narrow")) == ("2", "1280", "false")


# A page that stands in for its own size, and one whose document.open() removes every listener of its window
# (the init script's too): neither must make a resize wait for the page's resize event until the cap.
_HIDES_ITS_SIZE = (
    "<script>window.innerWidth = 1; Object.defineProperty(window, 'innerHeight', {get: () => 2});</script>"
)
_REOPENS_ITSELF = (
    "<script>addEventListener('load', () => setTimeout(() => {"
    " document.open(); document.write('<p id=again>written again</p>'); document.close(); }, 0));</script>"
)


def test_a_page_that_hides_its_size_or_drops_its_listeners_is_not_waited_for_until_the_cap(
    module_browser: ModuleBrowser,
) -> None:
    pages = {"/hides": page("Hides", _HIDES_ITS_SIZE), "/reopens": page("Reopens", _REOPENS_ITSELF)}
    with LocalServer({**pages}) as server:

        async def resize_each(browser: Browser) -> dict[str, float]:
            took: dict[str, float] = {}
            live = await _new_page(browser)
            for path in pages:
                await live.goto(server.url(path))
                if path == "/reopens":
                    await live.wait_for_selector("#again")
                started = asyncio.get_running_loop().time()
                for width in (375, 1280):
                    await resize(live, {"width": width, "height": 800})
                took[path] = asyncio.get_running_loop().time() - started
            return took

        took = module_browser.run(resize_each)
    # Two resizes each: waiting for an event the page never shows would take the cap twice over.
    assert all(seconds < RESIZE_EVENT_CAP_MS / 1000 for seconds in took.values()), took
