"""axe-core in headless Chromium: broken pages fail as truth.yaml says, every other page is clean."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from crawler.render import CHROMIUM_ARGS
from govaudit.demo.server import DemoServer
from govaudit.settings import Settings

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Settings.from_env().chromium
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# Only the violations' ids cross to Python: axe then builds no selector or HTML snippet for the nodes
# of passed, inapplicable and incomplete rules (its resultTypes; the violations are found as before),
# about 0.1 CPU-s a page.
AXE_RUN = (
    "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
    ".then(r => r.violations.map(v => v.id))"
)
# A plain DOM query, not a Playwright locator: a locator injects Playwright's selector engine into
# every page it touches, a cost paid on each of the ~80 pages where the answer is "no".
HAS_DIRECTORY = "() => document.querySelector('#directory') !== null"
DIRECTORY_PATH = "/en/directory.html"
DIRECTORY_LINKS = "__directory_links__"


async def _audit(page: Page, url: str, tags: list[str]) -> tuple[set[str], int]:
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(url, wait_until="load")
    if await page.evaluate(HAS_DIRECTORY):
        await page.locator("#directory ul a").first.wait_for(timeout=5000)
    violations: list[str] = await asyncio.wait_for(page.evaluate(AXE_RUN, tags), 60)
    await page.set_viewport_size({"width": 320, "height": 640})
    overflow = await page.evaluate(OVERFLOW)
    return set(violations), overflow


async def _run(browser: Browser, server: DemoServer, portal: dict[str, Any]) -> dict[str, tuple[set[str], int]]:
    paths = sorted({p.path for p in server.index} | set(portal.get("js_only", [])))
    out: dict[str, tuple[set[str], int]] = {}
    context = await browser.new_context()
    try:
        await context.add_init_script(path=str(AXE))
        page = await context.new_page()
        for path in paths:
            out[path] = await _audit(page, server.url(path), portal["accessibility"]["axe_tags"])
            # The JS-rendered directory links to pages that exist only in the rendered DOM: read while
            # it is loaded (and its links waited for) rather than loading it a second time.
            if path == DIRECTORY_PATH and "js_rendered" in portal:
                hrefs = await page.eval_on_selector_all("#directory a", "els => els.map(e => e.getAttribute('href'))")
                out[DIRECTORY_LINKS] = (set(hrefs), 0)
    finally:
        await context.close()
    return out


async def _measure(truth: dict[str, Any]) -> dict[str, dict[str, tuple[set[str], int]]]:
    """Both portals in one browser (a context each): one driver and one launch, not two."""
    measured: dict[str, dict[str, tuple[set[str], int]]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            for name, factory in (("national", DemoServer.national), ("city", DemoServer.city)):
                with factory() as server:
                    measured[name] = await _run(browser, server, truth["portals"][name])
        finally:
            await browser.close()
    return measured


@pytest.mark.browser
def test_axe_and_reflow_match_truth(truth: dict[str, Any]) -> None:
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.skip("Chromium or axe-core is not installed")
    for name, measured in asyncio.run(_measure(truth)).items():
        portal = truth["portals"][name]
        broken = {entry["path"]: entry for entry in portal["accessibility"]["broken"]}
        for js_path in portal.get("js_only", []):
            assert js_path in measured
        if "js_rendered" in portal:
            assert set(p for p in portal["js_only"] if p.startswith("/en/")) <= measured.pop(DIRECTORY_LINKS)[0]
        for path, (violations, overflow) in measured.items():
            if path in broken:
                expected = broken[path]
                assert violations == set(expected["axe_violations"]), path
                assert (overflow > 1) == (expected["reflow_320"] == "failed"), path
                twin = expected.get("clean_twin")
                if twin:
                    assert measured[twin] == (set(), 0), twin
            else:
                assert violations == set(), (path, violations)
                assert overflow <= 1, (path, overflow)
        assert set(broken) <= set(measured)
