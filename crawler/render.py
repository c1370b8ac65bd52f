"""Rendering with Playwright and the system Chromium; live-page inspectors run before close."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, Route, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost

DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ("--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking")
DESKTOP = {"width": 1280, "height": 800}
BLOCKED_TYPES_OFF_ORIGIN = frozenset({"font", "media"})

# Resolves once the DOM has been quiet for `quiet` ms, or after `cap` ms whatever happens:
# content inserted after the load event (a JS-rendered list) is in the DOM we keep.
_WAIT_DOM_QUIET = """([quiet, cap]) => new Promise(resolve => {
  let timer = setTimeout(done, quiet);
  const hard = setTimeout(done, cap);
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(hard); resolve(true); }
})"""
_OVERFLOW = "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"


# httpx has already decoded the body: these headers would describe the wire form, not it.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


@dataclass(frozen=True, slots=True)
class ServedDocument:
    """The response the crawler fetched, replayed to the browser for the main document."""

    status: int
    headers: dict[str, str]
    body: bytes


def _fulfil_once(served: ServedDocument) -> Any:
    used = False

    async def handler(route: Route) -> None:
        nonlocal used
        if used or not route.request.is_navigation_request():
            await route.fallback()
            return
        used = True
        headers = {k: v for k, v in served.headers.items() if k.lower() not in _WIRE_HEADERS}
        await route.fulfill(status=served.status, headers=headers, body=served.body)

    return handler


class BrowserNotFound(RuntimeError):
    """No Chromium at the configured path; the message says how to get one."""


def chromium_path() -> str:
    return os.environ.get("GOVAUDIT_CHROMIUM", DEFAULT_CHROMIUM)


def blocked_hosts() -> frozenset[str]:
    text = resources.files("crawler.data").joinpath("blocked_hosts.txt").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class PageInspector(Protocol):
    """Something that examines the live page after rendering (an accessibility engine)."""

    name: str

    async def inspect(self, page: Page, url: str) -> Sequence[Any]: ...


@dataclass(slots=True)
class RenderSettings:
    executable: str = field(default_factory=chromium_path)
    timeout_s: float = 30.0
    dom_quiet_ms: int = 200
    dom_quiet_cap_ms: int = 2000
    measure_widths: tuple[int, ...] = (375,)
    block_third_party: bool = True
    pages_per_context: int = 50
    init_scripts: tuple[Path, ...] = ()


@dataclass(slots=True)
class RenderOutcome:
    final_url: str
    dom: str | None
    render_ms: float
    measurements: dict[str, float] = field(default_factory=dict)
    inspections: dict[str, Sequence[Any]] = field(default_factory=dict)
    error: str = ""
    timed_out: bool = False


class Renderer:
    """A Chromium with a small pool of contexts, each recycled after `pages_per_context` pages
    (renderer memory stays flat). Use as `async with Renderer(...) as renderer`."""

    def __init__(
        self,
        guard: AddressGuard,
        settings: RenderSettings | None = None,
        *,
        user_agent: str = "",
        concurrency: int = 2,
    ) -> None:
        self.guard = guard
        self.settings = settings or RenderSettings()
        self.user_agent = user_agent
        self.concurrency = concurrency
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._contexts: asyncio.Queue[tuple[BrowserContext, int]] = asyncio.Queue()
        self._blocked_hosts = blocked_hosts()
        self._own_pages: set[Page] = set()

    async def __aenter__(self) -> Renderer:
        if not Path(self.settings.executable).is_file():
            raise BrowserNotFound(
                f"No Chromium at {self.settings.executable}. Install it with "
                "`sudo apt-get install chromium chromium-driver` (or run `make setup`), or point "
                "GOVAUDIT_CHROMIUM at a Chromium or Chrome binary."
            )
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.settings.executable, args=list(CHROMIUM_ARGS), headless=True
            )
        except PlaywrightError as exc:
            await self._playwright.stop()
            raise BrowserNotFound(f"Chromium at {self.settings.executable} did not start: {exc}") from exc
        for _ in range(self.concurrency):
            self._contexts.put_nowait((await self._new_context(), 0))
        return self

    async def __aexit__(self, *exc: object) -> None:
        while not self._contexts.empty():
            context, _ = self._contexts.get_nowait()
            with contextlib.suppress(PlaywrightError):
                await context.close()
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    @property
    def browser_version(self) -> str:
        return self._browser.version if self._browser else ""

    async def _new_context(self) -> BrowserContext:
        assert self._browser is not None
        context = await self._browser.new_context(
            viewport=DESKTOP, user_agent=self.user_agent or None, accept_downloads=False
        )
        for script in self.settings.init_scripts:
            await context.add_init_script(path=str(script))
        await context.route("**/*", self._route)
        return context

    async def _route(self, route: Route) -> None:
        request = route.request
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            await route.continue_()
            return
        host = (parts.hostname or "").lower()
        try:
            frame = request.frame
        except PlaywrightError:  # a pop-up's first request comes before its frame exists
            frame = None
        if request.is_navigation_request() and (frame is None or frame.page not in self._own_pages):
            # A pop-up the page opened: never part of the crawl, so it sends nothing.
            await route.abort("blockedbyclient")
            return
        frame_host = (urlsplit(frame.url).hostname or "").lower() if frame is not None else ""
        third_party = bool(frame_host) and host != frame_host
        if (
            self.settings.block_third_party
            and third_party
            and (
                request.resource_type in BLOCKED_TYPES_OFF_ORIGIN
                or any(host == h or host.endswith("." + h) for h in self._blocked_hosts)
            )
        ):
            await route.abort("blockedbyclient")
            return
        try:
            await self.guard.check(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (BlockedAddress, UnresolvableHost):
            await route.abort("blockedbyclient")
            return
        await route.continue_()

    async def render(
        self, url: str, inspectors: Sequence[PageInspector] = (), served: ServedDocument | None = None
    ) -> RenderOutcome:
        """Render `url`. With `served`, the browser gets the document the crawler already
        fetched instead of requesting it again: each page is fetched once."""
        context, used = await self._contexts.get()
        try:
            return await self._render_in(context, url, inspectors, served)
        finally:
            used += 1
            if used >= self.settings.pages_per_context:
                with contextlib.suppress(PlaywrightError):
                    await context.close()
                context, used = await self._new_context(), 0
            self._contexts.put_nowait((context, used))

    async def _render_in(
        self, context: BrowserContext, url: str, inspectors: Sequence[PageInspector], served: ServedDocument | None
    ) -> RenderOutcome:
        started = time.perf_counter()
        page = await context.new_page()
        self._own_pages.add(page)
        if served is not None:
            await page.route(lambda u: u == url, _fulfil_once(served))
        page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
        # Pop-ups opened by a page are closed at once: they are never part of the crawl.
        page.on("popup", lambda popup: asyncio.ensure_future(_close_popup(popup)))
        outcome = RenderOutcome(final_url=url, dom=None, render_ms=0.0)
        try:
            await page.goto(url, wait_until="load", timeout=self.settings.timeout_s * 1000)
            await asyncio.wait_for(
                page.evaluate(_WAIT_DOM_QUIET, [self.settings.dom_quiet_ms, self.settings.dom_quiet_cap_ms]),
                timeout=self.settings.dom_quiet_cap_ms / 1000 + 5,
            )
            outcome.final_url = page.url
            outcome.dom = await page.content()
            outcome.render_ms = (time.perf_counter() - started) * 1000
            outcome.measurements = await self._measure(page)
            for inspector in inspectors:
                outcome.inspections[inspector.name] = await inspector.inspect(page, outcome.final_url)
        except (PlaywrightTimeout, TimeoutError):
            outcome.timed_out = True
            outcome.error = f"page did not finish rendering within {self.settings.timeout_s:g} s"
        except PlaywrightError as exc:
            outcome.error = f"render failed: {str(exc).splitlines()[0]}"
        finally:
            outcome.render_ms = outcome.render_ms or (time.perf_counter() - started) * 1000
            self._own_pages.discard(page)
            with contextlib.suppress(PlaywrightError):
                await page.close()
        return outcome

    async def _measure(self, page: Page) -> dict[str, float]:
        """Horizontal overflow at narrow widths (responsive design), then back to desktop."""
        measurements: dict[str, float] = {}
        for width in self.settings.measure_widths:
            await page.set_viewport_size({"width": width, "height": 800})
            measurements[f"overflow_{width}"] = float(await page.evaluate(_OVERFLOW))
        if self.settings.measure_widths:
            await page.set_viewport_size(DESKTOP)
        return measurements


async def _dismiss(dialog: Any) -> None:
    with contextlib.suppress(PlaywrightError):
        await dialog.dismiss()


async def _close_popup(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()
