"""The app in a real Chromium, served by uvicorn on 127.0.0.1, on the demo country assessed once:
crawled script never runs, every page has 0 axe violations (our own audit), review works by keyboard
alone, and the whole Survey workflow runs end to end (two blind assessors, a reviewer, XLSX, scores)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.async_api import BrowserContext, Page

from audits.axe import AxeInspector, find_axe_script
from audits.outcome import Outcome
from govaudit.web import create_app
from storage import Store
from tests.module_browser import ModuleBrowser
from tests.web.conftest import (
    PASSWORDS,
    SECRET,
    XSS_QUOTE,
    XSS_URL,
    add_run,
    add_users,
    copy_db,
    serve,
    suggestion,
)

pytestmark = pytest.mark.browser
Q = "/c/VLD/OSI-2024/q"


@pytest.fixture(scope="module")
def base_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = copy_db(demo_db, tmp_path_factory.mktemp("browser") / "app.db")
    with Store(url) as store:
        store.upgrade()
        add_users(store)
        from rules.findings import Evidence

        add_run(store, "portal.xss", "XSS", [
            suggestion("010", "present", evidence=(Evidence(url=XSS_URL, quote=XSS_QUOTE, selector="<i>x</i>"),)),
        ])
        # Secure cookies stay on: Chromium treats http://127.0.0.1 as a secure context.
        with serve(create_app(store=store, secret_key=SECRET)) as base:
            yield base


async def _signed_in(
    browser: Any, base: str, name: str, axe: bool = False, locale: str = "en-US", viewport: Any = None
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(accept_downloads=True, locale=locale, viewport=viewport)
    page = await context.new_page()
    await page.goto(base + "/login")
    await page.fill("#name", name)
    await page.fill("#password", PASSWORDS[name])
    await page.click("button[type=submit]")
    await page.wait_for_url(base + "/")
    if axe:  # for the pages opened from now on: the sign-in pages have no axe run to serve
        await context.add_init_script(path=str(find_axe_script()))
    return context, page


async def _decide(page: Page, base: str, code: str, decision: str, value: str = "", comment: str = "") -> None:
    await page.goto(f"{base}{Q}/{code}")
    await page.check(f"#d-{decision}")
    if value:
        await page.select_option("#value", value)
    await page.fill("#comment", comment)
    await page.click("text=Save decision")
    await page.wait_for_selector(f"text=Your decision on #{code} is saved.")


def test_crawled_script_never_runs(base_url: str, module_browser: ModuleBrowser) -> None:
    async def body(browser: Any) -> None:
        context, page = await _signed_in(browser, base_url, "rita")
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        await page.goto(base_url + "/c/XSS/OSI-2024/q/010")
        assert await page.evaluate("window.__xss") is None
        # The hostile quote is on the page as text; its javascript: URL is not a link.
        assert XSS_QUOTE in await page.locator("blockquote.quote").inner_text()
        assert await page.locator("a[href^='javascript']").count() == 0
        await page.get_by_text(XSS_URL).click()
        await page.wait_for_timeout(200)
        assert dialogs == [] and await page.evaluate("window.__xss") is None
        await context.close()

    module_browser.run(body)


PAGES = [
    "/", "/c/VLD", "/c/VLD/OSI-2024", "/c/VLD/OSI-2024?show=todo", "/c/VLD/LOSI-2024", f"{Q}/010", f"{Q}/049",
    "/c/VLD/OSI-2024?subindex=IF&band=high&sort=confidence_desc&q=agency", f"{Q}/012?subindex=IF",
    "/c/VLD/OSI-2024/reconcile", "/c/VLD/OSI-2024/cycles", "/scores", "/scores/VLD", "/c/XSS/OSI-2024/q/010",
    "/c/NOPE",
]
# The French interface on the pages with the most text of their own.
PAGES_FR = ["/c/VLD", "/c/VLD/OSI-2024", f"{Q}/010", f"{Q}/049", "/scores/VLD"]
WIDTHS = (1280, 320)
HEIGHT = 900
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _widths_from(tab: Page) -> list[int]:
    """Both widths, the tab's own first: a page is audited at the width it was loaded at, then resized
    once to the other (each page loads at the width the page before it ended at)."""
    here = tab.viewport_size["width"] if tab.viewport_size else None
    return sorted(WIDTHS, key=lambda width: width != here)


async def _audit(inspector: AxeInspector, page: Page, url: str) -> list[str]:
    results = await inspector.inspect(page, url)
    failed = [r for r in results if r.outcome in (Outcome.FAILED, Outcome.ERROR)]
    return [f"{r.rule_id}: {[n.selector for n in r.nodes]}" for r in failed]


def test_every_page_has_no_axe_violations_and_no_horizontal_scroll_at_1280_and_320(
    base_url: str, module_browser: ModuleBrowser
) -> None:
    """Every app page, in English (and the main ones in French), at 1280 and at 320 CSS px wide:
    0 axe violations, and at 320 px nothing wider than the window (WCAG 1.4.10 Reflow)."""
    inspector = AxeInspector(find_axe_script())

    async def body(browser: Any) -> tuple[dict[str, list[str]], dict[str, int]]:
        found: dict[str, list[str]] = {}
        overflow: dict[str, int] = {}
        viewport = {"width": WIDTHS[0], "height": HEIGHT}
        anonymous = await browser.new_context(viewport=viewport)
        await anonymous.add_init_script(path=str(find_axe_script()))
        login = await anonymous.new_page()
        for locale, paths in (("en-US", PAGES), ("fr-FR", PAGES_FR)):
            context, page = await _signed_in(browser, base_url, "rita", axe=True, locale=locale, viewport=viewport)
            for path in [*paths, "/login"]:
                tab = login if path == "/login" else page
                # Loaded once, audited at each width: the pages are server-rendered and no script of
                # theirs reads the width, so a resize lays them out as a load at that width would
                # (and saves half the page loads, each with axe's 0.5 MB script to evaluate). The
                # width the tab has first, so that no page is laid out at a width it is not audited at.
                await tab.goto(base_url + path)
                for width in _widths_from(tab):
                    if tab.viewport_size != {"width": width, "height": HEIGHT}:
                        await tab.set_viewport_size({"width": width, "height": HEIGHT})
                    where = f"{locale} {width}px {path}"
                    found[where] = await _audit(inspector, tab, base_url + path)
                    overflow[where] = await tab.evaluate(OVERFLOW)
            await context.close()
        await anonymous.close()
        return found, overflow

    found, overflow = module_browser.run(body)
    assert len(found) == (len(PAGES) + len(PAGES_FR) + 2) * len(WIDTHS)
    assert {where: v for where, v in found.items() if v} == {}
    assert {where: px for where, px in overflow.items() if px > 0} == {}


def test_keyboard_only_review(base_url: str, module_browser: ModuleBrowser) -> None:
    async def body(browser: Any) -> None:
        context, page = await _signed_in(browser, base_url, "bob")
        # A LOSI question, so the OSI reconciliation of the end-to-end test is not affected.
        await page.goto(f"{base_url}/c/VLD/LOSI-2024/q/281")
        radio = "document.activeElement.name === 'decision' && document.activeElement.type === 'radio'"
        for _ in range(80):  # Tab from the top of the page, past the quick buttons, to the decision radios
            await page.keyboard.press("Tab")
            if await page.evaluate(radio):
                break
        assert await page.evaluate(radio)
        # Arrow keys move within the radio group; pick Override, then the value, comment and submit.
        while await page.evaluate("document.activeElement.id") != "d-override":
            await page.keyboard.press("ArrowDown")
        await page.keyboard.press("Space")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.id") == "value"
        await page.keyboard.press("ArrowDown")  # "present"
        await page.keyboard.press("Tab")
        await page.keyboard.type("checked by keyboard")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Save decision"
        await page.keyboard.press("Enter")
        await page.wait_for_selector("text=Your decision on #281 is saved.")
        await page.goto(f"{base_url}/c/VLD/LOSI-2024/q/281")
        assert "override" in await page.locator("section[aria-labelledby=trail]").inner_text()
        await context.close()

    module_browser.run(body)


def test_two_assessors_and_a_reviewer_end_to_end(base_url: str, module_browser: ModuleBrowser, tmp_path: Path) -> None:
    async def body(browser: Any) -> None:
        _, ana = await _signed_in(browser, base_url, "ana")
        _, bob = await _signed_in(browser, base_url, "bob")
        for code in ("010", "011", "014"):
            await _decide(ana, base_url, code, "accept", comment=f"ana on {code}")
        await _decide(bob, base_url, "010", "accept")
        await _decide(bob, base_url, "011", "accept")
        await _decide(bob, base_url, "014", "reject", comment="bob-private-note")
        # Blind: neither sees the other's decision.
        await ana.goto(f"{base_url}{Q}/014")
        text = await ana.locator("main").inner_text()
        assert "bob-private-note" not in text and "bob" not in text

        _, rita = await _signed_in(browser, base_url, "rita")
        await rita.goto(base_url + "/c/VLD")
        assert "Discrepancy rate: 1 of 3" in await rita.locator("main").inner_text()
        await rita.click("text=Reconcile OSI-2024")
        rows = rita.locator("table tbody tr")
        assert await rows.count() == 1 and "#014" in await rows.first.inner_text()
        await rows.first.locator("a").click()
        text = await rita.locator("main").inner_text()
        assert "bob-private-note" in text and "ana on 014" in text
        await rita.check("#d-override")
        await rita.select_option("#value", "present")
        await rita.fill("#comment", "privacy statement linked from every footer")
        await rita.click("text=Save decision")
        await rita.goto(base_url + "/c/VLD/OSI-2024/reconcile")
        assert "Nothing to reconcile" in await rita.locator("main").inner_text()

        await rita.goto(base_url + "/c/VLD")
        async with rita.expect_download() as info:
            await rita.click("text=Download VLD answers as XLSX")
        download = await info.value
        path = tmp_path / "vld.xlsx"
        await download.save_as(path)
        sheet = load_workbook(io.BytesIO(path.read_bytes())).active
        header = [c.value for c in sheet[1]]
        rows_by_code = {
            (r[1], r[2]): dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
        }
        row = rows_by_code[("OSI-2024", "014")]
        assert (row["final_value"], row["decided_by"]) == ("present", "rita") and row["evidence_url"]
        assert rows_by_code[("OSI-2024", "010")]["decided_by"] == "ana & bob"
        assert ("LOSI-2024", "281") in rows_by_code  # the city portal's questions are exported too

        await rita.goto(base_url + "/scores")
        table = await rita.locator("table.scores").inner_text()
        assert "VLD" in table
        await rita.click("table.scores >> text=VLD")
        text = await rita.locator("main").inner_text()
        assert "3 of 181 questions" in text and "LOSI per city" in text
        assert await rita.locator("svg[role=img]").count() >= 1

    module_browser.run(body)
