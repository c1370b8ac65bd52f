"""Resizing a live page (crawler/viewport.py): what is read after a resize is the page once it has answered it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from playwright.async_api import Page

from crawler.addresses import AddressGuard
from crawler.render import Renderer, RenderSettings
from tests.localserver import LocalServer, page

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
