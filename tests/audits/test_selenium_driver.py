"""Selenium and Playwright run the same axe on the same page and must report the same outcomes."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from audits import selenium_driver
from audits.axe import AxeInspector, find_axe_script
from audits.result import AuditResult
from audits.selenium_driver import SeleniumAuditor, SeleniumSettings, alive
from crawler.addresses import AddressGuard
from crawler.render import Renderer, RenderSettings
from tests.localserver import LocalServer, Response, free_port, page

pytestmark = pytest.mark.browser

PAGES: dict[str, Response] = {
    "/clean": page("Clean page", '<p>Plain text and <a href="/other">a named link</a>.</p>'),
    # Missing alt, unlabeled input, empty button.
    "/forms": page(
        "Forms",
        '<img src="/x.png"><form><input type="text" name="q"><button></button></form>',
    ),
    # Low contrast, missing lang, an iframe whose content has an unnamed link (axe must reach it).
    "/contrast": Response(
        "<!doctype html><html><head><title>Contrast</title></head><body><main><h1>Contrast</h1>"
        '<p style="color:#bbb;background:#fff">Faint text</p>'
        '<iframe title="embedded" src="/frame"></iframe></main></body></html>'
    ),
    "/frame": page("Frame", '<a href="/x"><img src="/y.png"></a>'),
}

Key = tuple[str, str, tuple[str, ...]]


def keyset(results: list[AuditResult]) -> set[Key]:
    return {(r.rule_id, str(r.outcome), tuple(sorted(n.selector for n in r.nodes))) for r in results}


def playwright_results(server: LocalServer, chromium: str, inspector: AxeInspector) -> dict[str, set[Key]]:
    async def go() -> dict[str, set[Key]]:
        settings = RenderSettings(executable=chromium, init_scripts=(inspector.script,))
        out: dict[str, set[Key]] = {}
        async with Renderer(AddressGuard(allow_private=True), settings) as renderer:
            for path in ("/clean", "/forms", "/contrast"):
                outcome = await renderer.render(server.url(path), [inspector])
                assert not outcome.error, outcome.error
                out[path] = keyset(list(outcome.inspections["axe"]))
        return out

    return asyncio.run(asyncio.wait_for(go(), 120))


def test_selenium_and_playwright_give_identical_axe_results(chromium: str, chromedriver: str) -> None:
    inspector = AxeInspector(script=find_axe_script())
    with LocalServer(PAGES) as server:
        expected = playwright_results(server, chromium, inspector)
        auditor = SeleniumAuditor(inspector, SeleniumSettings(chromedriver=chromedriver, executable=chromium))
        with auditor:
            pids = set(auditor.pids)
            got = {}
            for path in expected:
                result = auditor.audit(server.url(path))
                assert not result.error, result.error
                got[path] = keyset(result.results)
            pids |= auditor.pids
    # The pages really differ: one clean, two with different violations.
    failed = {path: {k[0] for k in keys if k[1] == "failed"} for path, keys in expected.items()}
    assert failed["/clean"] == set()
    assert {"image-alt", "label", "button-name"} <= failed["/forms"]
    assert {"color-contrast", "html-has-lang", "link-name"} <= failed["/contrast"]
    # axe reached into the iframe in both drivers (the selector path crosses the frame).
    assert any(">>>" in s for k in expected["/contrast"] if k[0] == "link-name" for s in k[2])
    for path in expected:
        assert got[path] == expected[path], path
    # Nothing left running: chromedriver and every Chromium process it started are gone.
    assert len(pids) >= 2 and os.getpid() not in pids
    assert alive(pids) == set()


def test_quit_kills_the_browser_even_if_the_session_is_gone(chromium: str, chromedriver: str) -> None:
    auditor = SeleniumAuditor(settings=SeleniumSettings(chromedriver=chromedriver, executable=chromium))
    auditor.start()
    pids = set(auditor.pids)
    assert auditor.driver is not None
    # Simulate a broken session: chromedriver no longer answers quit(); the tracked pids are killed anyway.
    auditor.driver.service.process.kill()
    auditor.quit()
    assert alive(pids) == set()


def test_a_page_that_navigates_while_watched_is_followed(chromium: str, chromedriver: str) -> None:
    """chromedriver ends the DOM-quiet wait with a timeout when the document unloads under it: a page whose
    timer moves it on is audited where it lands, and one that lands on the error page says so."""
    dead = f"http://127.0.0.1:{free_port()}/gone"
    moving = {
        "/moves": page("Moves", "<p>moving</p><script>setTimeout(() => { location.href = '/forms'; }, 50);</script>"),
        "/dies": page("Dies", f"<p>dying</p><script>setTimeout(() => {{ location.href = '{dead}'; }}, 50);</script>"),
    }
    inspector = AxeInspector(script=find_axe_script())
    with (
        LocalServer({**PAGES, **moving}) as server,
        SeleniumAuditor(inspector, SeleniumSettings(chromedriver=chromedriver, executable=chromium)) as auditor,
    ):
        moved = auditor.audit(server.url("/moves"))
        died = auditor.audit(server.url("/dies"))
    assert not moved.error and moved.final_url == server.url("/forms")
    assert "image-alt" in {r.rule_id for r in moved.results if str(r.outcome) == "failed"}
    assert died.error_page and died.final_url == dead and not died.results, died


def test_a_page_whose_script_never_ends_costs_only_itself(
    chromium: str, chromedriver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script that never returns holds the tab's renderer, and chromedriver with it: the page is an error
    within the timeouts (not the HTTP client's 120 s), and the pages after it are audited in a new browser."""
    # The spinning page holds a core until the answer bound: a shorter margin than production's is the
    # same path, bounded the same way, with less of the machine burnt while it waits.
    monkeypatch.setattr(selenium_driver, "ANSWER_MARGIN_S", 3.0)
    stuck = {
        "/loop": page("Loop", "<p>busy</p><script>while (true) {}</script>"),
        "/loop-later": page(
            "Loop later", "<p>busy</p><script>onload = () => setTimeout(() => { for (;;) {} }, 50);</script>"
        ),
    }
    inspector = AxeInspector(script=find_axe_script(), timeout_s=3)
    settings = SeleniumSettings(chromedriver=chromedriver, executable=chromium, page_load_timeout_s=3)
    seen: dict[str, tuple[str, int, float]] = {}
    with LocalServer({**PAGES, **stuck}) as server, SeleniumAuditor(inspector, settings) as auditor:
        for path in ("/loop-later", "/forms", "/loop", "/clean"):
            started = time.monotonic()
            audited = auditor.audit(server.url(path))
            seen[path] = (audited.error, len(audited.results), time.monotonic() - started)
        pids = auditor.pids
        bound = auditor.answer_within_s
    assert not alive(pids)
    # Whether the loop starts before the load ends (a loaded machine), chromedriver gives up on the renderer or
    # does not answer at all: each way, an error within the bound.
    for path in ("/loop-later", "/loop"):
        error, results, seconds = seen[path]
        assert error and not results and seconds < bound + 30, seen
    for path in ("/forms", "/clean"):
        error, results, _ = seen[path]
        assert not error and results, seen
