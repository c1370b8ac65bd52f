"""axe-core in headless Chromium: broken pages fail as truth.yaml says, every other page is clean."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright

from crawler.render import CHROMIUM_ARGS
from govaudit.demo.server import DemoServer
from govaudit.settings import Settings

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Settings.from_env().chromium
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


async def _audit(page: Page, url: str, tags: list[str]) -> tuple[set[str], int]:
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(url, wait_until="load")
    if await page.locator("#directory").count():
        await page.locator("#directory ul a").first.wait_for(timeout=5000)
    results = await asyncio.wait_for(
        page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags), 60
    )
    await page.set_viewport_size({"width": 320, "height": 640})
    overflow = await page.evaluate(OVERFLOW)
    return {rule["id"] for rule in results["violations"]}, overflow


async def _run(server: DemoServer, portal: dict[str, Any]) -> dict[str, tuple[set[str], int]]:
    paths = sorted({p.path for p in server.index} | set(portal.get("js_only", [])))
    out: dict[str, tuple[set[str], int]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            context = await browser.new_context()
            await context.add_init_script(path=str(AXE))
            page = await context.new_page()
            for path in paths:
                out[path] = await _audit(page, server.url(path), portal["accessibility"]["axe_tags"])
            # The JS-rendered directory links to pages that exist only in the rendered DOM.
            if "js_rendered" in portal:
                await page.goto(server.url("/en/directory.html"))
                await page.locator("#directory ul a").first.wait_for(timeout=5000)
                hrefs = await page.eval_on_selector_all("#directory a", "els => els.map(e => e.getAttribute('href'))")
                out["__directory_links__"] = (set(hrefs), 0)
            await context.close()
        finally:
            await browser.close()
    return out


@pytest.mark.browser
def test_axe_and_reflow_match_truth(truth: dict[str, Any]) -> None:
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.skip("Chromium or axe-core is not installed")
    for name, factory in (("national", DemoServer.national), ("city", DemoServer.city)):
        portal = truth["portals"][name]
        with factory() as server:
            measured = asyncio.run(_run(server, portal))
        broken = {entry["path"]: entry for entry in portal["accessibility"]["broken"]}
        for js_path in portal.get("js_only", []):
            assert js_path in measured
        if "js_rendered" in portal:
            assert set(p for p in portal["js_only"] if p.startswith("/en/")) <= measured.pop("__directory_links__")[0]
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
