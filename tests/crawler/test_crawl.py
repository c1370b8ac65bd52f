"""The crawl in a real headless Chromium against pages served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from crawler.addresses import AddressGuard
from crawler.crawl import CrawledPage, Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher
from crawler.render import BrowserNotFound, Renderer, RenderSettings
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from crawler.snapshot import ScanStatus
from tests.localserver import LocalServer, Response, page

pytestmark = pytest.mark.browser

JS_LINK = """<div id="later"></div><script>
setTimeout(() => { document.getElementById('later').innerHTML = '<a href="/from-js">Made by JS</a>'; }, 150);
</script>"""


def site_routes() -> dict[str, Response]:
    return {
        "/robots.txt": Response("User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}),
        "/": page(
            "Home",
            '<a href="/a">A</a> <a href="/a?">A again</a> <a href="/b#part">B</a> '
            '<a href="/private/x">Private</a> <a href="/alerts">Alerts</a> '
            '<a href="/account">Account</a> <a href="https://elsewhere.example/">Out</a>' + JS_LINK,
        ),
        "/a": page("A", '<a href="/">Home</a> <a href="/b">B</a>'),
        "/b": page("B", '<a href="/deep">Deeper</a>'),
        "/deep": page("Deep", "<p>end</p>"),
        "/from-js": page("Only via JS", "<p>found through the rendered DOM</p>"),
        "/private/x": page("Private", "<p>never fetched</p>"),
        "/alerts": page(
            "Alerts",
            "<script>for (let i = 0; i < 50; i++) { alert(i); confirm(i); }"
            "window.open('/a');</script><p>still here</p>",
        ),
        "/account": Response(status=302, headers={"Location": "/login"}),
        "/login": page(
            "Sign in",
            '<form method="post"><label for="u">User</label><input id="u" name="u">'
            '<label for="p">Password</label><input id="p" type="password" name="p"></form>',
        ),
    }


class CountingInspector:
    name = "counting"

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.pages: list[Any] = []  # the browser tab each render ran in

    async def inspect(self, page: Any, url: str) -> Sequence[str]:
        self.urls.append(url)
        self.pages.append(page)
        return [await page.title()]


def crawl(
    server: LocalServer,
    chromium: str,
    *,
    render: RenderMode = RenderMode.ALWAYS,
    max_pages: int = 50,
    inspector: CountingInspector | None = None,
) -> list[CrawledPage]:
    site = SiteConfig(name="t", start_urls=(server.url("/"),), max_pages=max_pages)
    guard = AddressGuard(allowed_hosts=site.scope_hosts)

    async def go() -> list[CrawledPage]:
        async with Fetcher(guard) as fetcher, Renderer(guard, RenderSettings(executable=chromium)) as renderer:
            crawler = Crawler(
                site,
                fetcher,
                RobotsCache(fetcher),
                renderer,
                [inspector] if inspector else [],
                CrawlSettings(render=render),
            )
            return [p async for p in crawler.crawl()]

    return asyncio.run(asyncio.wait_for(go(), 120))


def test_crawl_fetches_each_page_once_and_renders_js_links(chromium: str) -> None:
    inspector = CountingInspector()
    with LocalServer(site_routes()) as server:
        pages = crawl(server, chromium, inspector=inspector)
        by_path = {p.snapshot.requested_url.removeprefix(server.base_url): p.snapshot for p in pages}
        hits = dict(server.hits)
    # /a and /a? are one page; /b#part is /b; the JS-inserted link was followed.
    assert hits["/a"] == 1 and hits["/b"] == 1 and hits["/from-js"] == 1
    assert by_path["/from-js"].depth == 1 and by_path["/deep"].depth == 2
    assert by_path["/from-js"].rendered and "rendered DOM" in by_path["/from-js"].text
    # robots.txt is obeyed: the page is recorded, never requested.
    assert by_path["/private/x"].status is ScanStatus.ROBOTS_DENIED and "/private/x" not in hits
    # Off-site links are not followed.
    assert not any("elsewhere.example" in url for url in by_path)
    # Dialog and pop-up storms neither hang nor break the render.
    assert by_path["/alerts"].ok and "still here" in by_path["/alerts"].text
    # A redirect to a password form is a login wall.
    assert by_path["/account"].status is ScanStatus.LOGIN_WALL
    # Inspectors ran once on every rendered page and their results came back with the page.
    assert sorted(inspector.urls) == sorted({p.snapshot.final_url for p in pages if p.snapshot.rendered})
    assert next(p for p in pages if p.snapshot.requested_url.endswith("/deep")).inspections["counting"] == ["Deep"]


def test_without_rendering_js_links_stay_unknown(chromium: str) -> None:
    with LocalServer(site_routes()) as server:
        pages = crawl(server, chromium, render=RenderMode.NEVER)
        assert "/from-js" not in server.hits
    assert all(not p.snapshot.rendered for p in pages)


def test_page_budget_is_respected(chromium: str) -> None:
    with LocalServer(site_routes()) as server:
        pages = crawl(server, chromium, max_pages=3)
    assert len(pages) == 3
    assert pages[0].snapshot.depth == 0


def _descendants(root: int) -> list[str]:
    """Command lines of every live process below `root` (read from /proc)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                commands[int(entry)] = cmd.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                found.append(commands.get(pid, ""))
                frontier.append(pid)
    return found


def test_no_chromium_left_behind(chromium: str) -> None:
    with LocalServer(site_routes()) as server:
        crawl(server, chromium, max_pages=2)
    assert not [cmd for cmd in _descendants(os.getpid()) if "chrom" in cmd]


class FailingInspector:
    name = "broken"

    async def inspect(self, page: Any, url: str) -> Sequence[str]:
        await page.evaluate("() => document.body.nonexistent.call()")
        return []


def test_a_failing_inspector_costs_only_its_own_results(chromium: str) -> None:
    inspector = CountingInspector()
    with LocalServer({"/": page("Home", "<p>x</p>")}) as server:
        site = SiteConfig(name="t", start_urls=(server.url("/"),), max_pages=1)
        guard = AddressGuard(allowed_hosts=site.scope_hosts)

        async def go() -> list[CrawledPage]:
            async with Fetcher(guard) as fetcher, Renderer(guard, RenderSettings(executable=chromium)) as renderer:
                crawler = Crawler(site, fetcher, RobotsCache(fetcher), renderer, [FailingInspector(), inspector])
                return [p async for p in crawler.crawl()]

        (crawled,) = asyncio.run(go())
    assert crawled.snapshot.ok and crawled.inspections["counting"] == ["Home"]
    assert "TypeError" in crawled.inspection_errors["broken"]


def test_pages_rendered_one_after_another_reuse_one_tab(chromium: str) -> None:
    # A tab costs a renderer process and the init scripts' compilation: with fewer pages in the browser
    # at once than contexts, the warm tab is taken again rather than each context opening its own.
    recorder = CountingInspector()
    routes = {f"/{name}": page(name, "<p>x</p>") for name in ("a", "b", "c")}
    with LocalServer(routes) as server:
        site = SiteConfig(name="t", start_urls=(server.url("/a"),), max_pages=3)
        guard = AddressGuard(allowed_hosts=site.scope_hosts)

        async def go() -> None:
            async with Renderer(guard, RenderSettings(executable=chromium), concurrency=3) as renderer:
                for name in ("a", "b", "c"):
                    outcome = await renderer.render(server.url(f"/{name}"), [recorder])
                    assert outcome.dom is not None and not outcome.error

        asyncio.run(go())
    assert len(recorder.pages) == 3 and all(p is recorder.pages[0] for p in recorder.pages)


def test_the_browser_starts_with_the_first_page_to_render(chromium: str, tmp_path: Path) -> None:
    """A run that renders nothing (every page carried forward, a resume past the crawl) starts no Chromium;
    one whose browser will not start hears so from its first render, by name."""
    guard = AddressGuard(allow_private=True)
    with LocalServer({"/": page("Home", "<p>x</p>")}) as server:

        async def idle() -> list[str]:
            async with Renderer(guard, RenderSettings(executable=chromium)):
                return [cmd for cmd in _descendants(os.getpid()) if "chrom" in cmd]

        async def one_page() -> list[str]:
            async with Renderer(guard, RenderSettings(executable=chromium)) as renderer:
                assert (await renderer.render(server.url("/"))).dom is not None
                return [cmd for cmd in _descendants(os.getpid()) if "chrom" in cmd]

        assert asyncio.run(idle()) == []
        assert asyncio.run(one_page()) != []
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)

    async def cannot_start() -> None:
        async with Renderer(guard, RenderSettings(executable=str(broken))) as renderer:
            await renderer.render("http://127.0.0.1:9/")

    with pytest.raises(BrowserNotFound, match="did not start"):
        asyncio.run(cannot_start())
    assert not [cmd for cmd in _descendants(os.getpid()) if "chrom" in cmd or "playwright" in cmd]


# A page that replaces every serialiser a script could reach, and the name our reader is bound to.
_LYING_PAGE = """<p id="real">what the page holds</p><script>
  XMLSerializer.prototype.serializeToString = () => 'LIE';
  Object.defineProperty(Element.prototype, 'outerHTML', {get: () => 'LIE'});
  Reflect.apply = () => 'LIE';
  try { window.__govauditDocumentHtml = () => 'LIE'; } catch (e) {}
  try { Object.defineProperty(window, '__govauditDocumentHtml', {value: () => 'LIE'}); } catch (e) {}
</script>"""


def test_the_dom_kept_is_the_documents_whatever_its_scripts_replace(chromium: str) -> None:
    """The DOM is read with the browser's serialisers captured before any page script: it is what
    page.content() gives for a plain page, and a page that replaces them cannot change what is kept."""
    pages = {"/plain": page("Plain", "<p>plain</p>"), "/lying": page("Lying", _LYING_PAGE)}
    with LocalServer(pages) as server:

        async def render_both() -> tuple[str | None, str | None, str]:
            async with Renderer(AddressGuard(allow_private=True), RenderSettings(executable=chromium)) as renderer:
                plain = await renderer.render(server.url("/plain"))
                lying = await renderer.render(server.url("/lying"))
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=chromium)
                reference = await browser.new_page()
                await reference.goto(server.url("/plain"))
                content = await reference.content()
                await browser.close()
            return plain.dom, lying.dom, content

        plain, lying, content = asyncio.run(render_both())
    assert plain == content
    # Each replacement answers 'LIE' and nothing else: the whole document is what was kept.
    assert lying is not None and lying.startswith("<!DOCTYPE html>") and lying.endswith("</html>")
    assert '<p id="real">what the page holds</p>' in lying
