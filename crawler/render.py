"""Rendering with Playwright and the system Chromium; live-page inspectors run before close."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, Route, ViewportSize, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost, port_of
from crawler.egress import EgressProxy
from crawler.viewport import RESIZE_TIMERS_SCRIPT, resize

# Debian's two builds of one Chromium. The headless shell (package chromium-headless-shell, the binary
# Playwright itself runs headless) is the same Blink and V8 without the desktop browser around them: no
# window, tab strip or omnibox to build, so each launch and each page costs less of the browser process
# (bench/RESULTS.md). It is the default where installed; the full browser serves where it is not.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
FULL_CHROMIUM = "/usr/lib/chromium/chromium"


def default_chromium(shell: str = HEADLESS_SHELL, full: str = FULL_CHROMIUM) -> str:
    """The headless shell where it is installed, else the full Chromium."""
    return shell if Path(shell).is_file() else full


DEFAULT_CHROMIUM = default_chromium()
# What to do when the configured browser is missing: said the same wherever govaudit looks for it.
CHROMIUM_INSTALL = (
    "Install it with `sudo apt-get install chromium-headless-shell chromium` (Debian/Ubuntu; or run `make setup`), "
    "or point GOVAUDIT_CHROMIUM at a Chromium or Chrome binary."
)
# Playwright passes its own `--disable-features` list and Chromium keeps only the last one given: ours
# repeats Playwright's (1.65) and adds what keeps the browser from connecting on its own. Every flag's
# reason is in docs/operations.md ("The browser's network"). In short: nothing speculative (prefetch,
# prerender, preconnect, DNS prefetch), no local DNS and no UDP: every connection the page causes goes
# through the egress proxy (`crawler.egress`), which holds it to the address guard.
_PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
)
_SPECULATION_FEATURES = (
    "Prerender2",
    "NoStatePrefetch",
    "SpeculationRulesPrefetchFuture",
    "SpeculationRulesPrefetchProxy",
    "PreloadingHeuristics",
)
# Headless Chromium still builds the browser window's omnibox popups, each a WebUI page in a renderer
# of its own that no crawled page ever shows, built at every launch (its cost: bench/RESULTS.md).
_BROWSER_UI_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
# Flags for any Chromium govaudit drives (Playwright's and Selenium's), besides the proxy's own.
NETWORK_ARGS = (
    "--disable-background-networking",
    "--disable-features=" + ",".join(_PLAYWRIGHT_DISABLED_FEATURES + _SPECULATION_FEATURES + _BROWSER_UI_FEATURES),
    "--dns-prefetch-disable",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-quic",
)
# With no GPU, the "GPU process" only composites frames in software: as a thread of the browser process it
# does the same work without a process of its own and the messages to it (same screenshots, less CPU:
# bench/RESULTS.md).
CHROMIUM_ARGS = ("--disable-gpu", "--in-process-gpu", "--disable-dev-shm-usage", *NETWORK_ARGS)
# Runs before any page script: what Playwright's `service_workers="block"` installs, for the Selenium driver.
NO_SERVICE_WORKERS = (
    "if (self.ServiceWorkerContainer) ServiceWorkerContainer.prototype.register = "
    "() => Promise.reject(new DOMException('service workers are off', 'SecurityError'));"
)
ERROR_PAGE = "chrome-error://"
# What Chromium says when the proxy refused a connection, or our route handler aborted a request.
REFUSED_BY_ROUTE = "net::ERR_BLOCKED_BY_CLIENT"
_REFUSED_ERRORS = ("net::ERR_SOCKS_CONNECTION_FAILED", REFUSED_BY_ROUTE)
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
BLOCKED_TYPES_OFF_ORIGIN = frozenset({"font", "media"})

# Resolves once the DOM has been quiet for `quiet` ms, or after `cap` ms whatever happens:
# content inserted after the load event (a JS-rendered list) is in the DOM we keep. A document
# with no script and no meta refresh cannot change once loaded (init scripts are ours and done):
# it is taken at once.
_WAIT_DOM_QUIET = """([quiet, cap]) => new Promise(resolve => {
  if (!document.querySelector('script, meta[http-equiv="refresh" i]')) { resolve(true); return; }
  let timer = setTimeout(done, quiet);
  const hard = setTimeout(done, cap);
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(hard); resolve(true); }
})"""
_OVERFLOW = "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"

# Runs before any page script (in every frame). A dialog costs a protocol round trip to dismiss, so a loop of
# alert()s kept a page busy for tens of seconds; window.open storms spawned pages only to close
# them. Both become no-ops (the dialog and pop-up handlers stay as a backstop for frames).
_QUIET_BROWSER_APIS = """(() => {
  const quiet = {alert: () => undefined, confirm: () => false, prompt: () => null, print: () => undefined,
                 open: () => null};
  for (const [name, fn] of Object.entries(quiet)) {
    try { Object.defineProperty(window, name, {value: fn, configurable: true, writable: true}); } catch (e) {}
  }
  // Thousands of history entries flood the browser driver with navigation events and stall every
  // page it drives. A single-page app pushes a handful while loading; past 100 the calls are ignored.
  let budget = 100;
  for (const name of ["pushState", "replaceState"]) {
    const original = History.prototype[name];
    History.prototype[name] = function (...args) { if (budget-- > 0) return original.apply(this, args); };
  }
})();"""
# The document's HTML as page.content() gives it (the doctype, then the root element), read with the browser's
# own serialisers captured before any page script runs: page.content() injects Playwright's selector engine
# into every document it reads, a large share of a plain page's CPU. The function is bound to the window
# unwritable and unconfigurable, and calls only what it captured, so a page's scripts cannot stand in for it.
_DOCUMENT_HTML_API = """(() => {
  const apply = Reflect.apply, serializer = new XMLSerializer(), toString = XMLSerializer.prototype.serializeToString;
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const doctype = getter(Document.prototype, 'doctype'), root = getter(Document.prototype, 'documentElement');
  const outer = getter(Element.prototype, 'outerHTML');
  const html = () => {
    const type = apply(doctype, document, []), element = apply(root, document, []);
    return (type ? apply(toString, serializer, [type]) : '') + (element ? apply(outer, element, []) : '');
  };
  try { Object.defineProperty(window, '__govauditDocumentHtml', {value: html}); } catch (e) {}
})();"""
# Null where the init script did not run in this document (page.content() then reads it).
_DOCUMENT_HTML = "() => typeof window.__govauditDocumentHtml === 'function' ? window.__govauditDocumentHtml() : null"
# Navigations (meta refresh, location.href on load) tolerated before the page counts as never settling.
MAX_NAVIGATIONS = 3
# page.close() on a renderer stuck in a script loop: past this, the whole context is discarded.
CLOSE_TIMEOUT_S = 5.0


# httpx has already decoded the body: these headers would describe the wire form, not it.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


# The stylesheets and scripts a page loaded, as the page sees them (linked, imported by a stylesheet,
# inserted by a script): what besides the document changes what the audits find.
_ASSETS = """() => {
  const found = new Set();
  for (const sheet of document.styleSheets) if (sheet.href) found.add(sheet.href);
  for (const script of document.scripts) if (script.src) found.add(script.src);
  for (const entry of performance.getEntriesByType('resource'))
    if (entry.initiatorType === 'css' && /\\.css([?#]|$)/.test(entry.name)) found.add(entry.name);
  return [...found].filter(u => /^https?:/.test(u)).sort().slice(0, 100);
}"""


async def _document_html(page: Page) -> str:
    html = await page.evaluate(_DOCUMENT_HTML)
    return html if isinstance(html, str) else await page.content()


@dataclass(frozen=True, slots=True)
class ServedDocument:
    """The response the crawler fetched, replayed to the browser for the main document."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(slots=True)
class _Tab:
    """A page kept open across renders: a new page per URL costs a renderer process and the init
    scripts' compilation, each a large share of a page's CPU; a navigation in the same page reuses both.
    `served` is the document to replay to the next navigation, `crashed` what happened to it."""

    page: Page
    served: tuple[str, ServedDocument] | None = None
    crashed: bool = False
    # Main-frame navigations that failed during this render: (URL, Chromium's error text).
    failed_navigations: list[tuple[str, str]] = field(default_factory=list)
    navigation_failed: asyncio.Event = field(default_factory=asyncio.Event)
    # Main-frame navigations the route handler is still deciding on (the guard's check is a DNS look-up).
    deciding: int = 0
    decided: asyncio.Event = field(default_factory=asyncio.Event)

    def navigation_refused(self, url: str) -> None:
        """Noted when the route handler refuses the request, not when Playwright's `requestfailed` event
        comes: that event makes a round trip through Chromium and can arrive after the DOM was taken."""
        if (url, REFUSED_BY_ROUTE) not in self.failed_navigations:
            self.failed_navigations.append((url, REFUSED_BY_ROUTE))
        self.navigation_failed.set()

    async def navigations_decided(self) -> None:
        while self.deciding:
            self.decided.clear()
            await self.decided.wait()

    async def replay(self, route: Route) -> None:
        pending = self.served
        if pending is None or not route.request.is_navigation_request() or route.request.url != pending[0]:
            await route.fallback()
            return
        self.served = None  # once: a reload or a redirect back to the URL goes to the network
        headers = {k: v for k, v in pending[1].headers.items() if k.lower() not in _WIRE_HEADERS}
        await route.fulfill(status=pending[1].status, headers=headers, body=pending[1].body)


@dataclass  # no slots: Playwright tags a route handler with an attribute of its own
class _RequestGate:
    """Decides every request the browser makes (Playwright's route handler): no pop-up navigation, no
    third-party fonts, media or listed trackers (with `block_third_party`), nothing the address guard refuses."""

    guard: AddressGuard
    block_third_party: bool
    blocked_hosts: frozenset[str]
    own_pages: dict[Page, _Tab] = field(default_factory=dict)

    async def __call__(self, route: Route) -> None:
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
        if request.is_navigation_request() and (frame is None or frame.page not in self.own_pages):
            # A pop-up the page opened: never part of the crawl, so it sends nothing.
            await route.abort("blockedbyclient")
            return
        frame_host = (urlsplit(frame.url).hostname or "").lower() if frame is not None else ""
        third_party = bool(frame_host) and host != frame_host
        if (
            self.block_third_party
            and third_party
            and (
                request.resource_type in BLOCKED_TYPES_OFF_ORIGIN
                or any(host == h or host.endswith("." + h) for h in self.blocked_hosts)
            )
        ):
            await route.abort("blockedbyclient")
            return
        tab = self.own_pages.get(frame.page) if frame is not None and frame.parent_frame is None else None
        if tab is None or not request.is_navigation_request():
            await self._guarded(route, host, port_of(parts), None)
            return
        tab.deciding += 1
        try:
            await self._guarded(route, host, port_of(parts), tab)
        finally:
            tab.deciding -= 1
            tab.decided.set()

    async def _guarded(self, route: Route, host: str, port: int, tab: _Tab | None) -> None:
        """Let the request through if the guard allows its address; `tab` when it navigates a tab's page."""
        try:
            await self.guard.check(host, port)
        except (BlockedAddress, UnresolvableHost):
            if tab is not None:
                tab.navigation_refused(route.request.url)
            await route.abort("blockedbyclient")
            return
        await route.continue_()


class BrowserNotFound(RuntimeError):
    """No Chromium at the configured path; the message says how to get one."""


def blocked_hosts() -> frozenset[str]:
    text = resources.files("crawler.data").joinpath("blocked_hosts.txt").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class PageInspector(Protocol):
    """Something that examines the live page after rendering (an accessibility engine)."""

    @property
    def name(self) -> str: ...

    async def inspect(self, page: Page, url: str) -> Sequence[Any]: ...


@runtime_checkable
class FollowUpInspector(Protocol):
    """An inspector that reads what the inspectors before it found, while the page is still open
    (a screenshot of each failing element). The renderer calls `inspect_after` instead of `inspect`."""

    name: str

    async def inspect(self, page: Page, url: str) -> Sequence[Any]: ...

    async def inspect_after(self, page: Page, url: str, found: Mapping[str, Sequence[Any]]) -> Sequence[Any]: ...


@dataclass(slots=True)
class RenderSettings:
    executable: str = DEFAULT_CHROMIUM  # Debian's; the caller passes the configured one (GOVAUDIT_CHROMIUM)
    timeout_s: float = 30.0  # the whole render (load, DOM quiet, DOM copy, measurements), not each step
    inspect_timeout_s: float = 180.0  # each inspector, on top: axe can take minutes on a pathological page
    dom_quiet_ms: int = 200
    dom_quiet_cap_ms: int = 2000
    measure_widths: tuple[int, ...] = (375,)
    block_third_party: bool = True
    pages_per_context: int = 50
    init_scripts: tuple[Path, ...] = ()
    # Sent with every request of every context (a logged-in session): see crawler/login.py.
    extra_headers: dict[str, str] = field(default_factory=dict)
    cookies: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class RenderOutcome:
    final_url: str
    dom: str | None
    render_ms: float
    measurements: dict[str, float] = field(default_factory=dict)
    inspections: dict[str, Sequence[Any]] = field(default_factory=dict)
    inspection_errors: dict[str, str] = field(default_factory=dict)  # inspector name → why it failed
    error: str = ""
    timed_out: bool = False
    # Set when the page's navigation ended on an address the guard refuses: the reason. `dom` is None then,
    # and nothing of the page (DOM, text, inspections) is kept.
    blocked: str = ""
    assets: tuple[str, ...] = ()  # the stylesheets and scripts the page loaded (http(s) URLs)


class Renderer:
    """A Chromium with a small pool of contexts, each recycled after `pages_per_context` pages
    (renderer memory stays flat). Use as `async with Renderer(...) as renderer`. The browser starts with
    the first page to render: a run that renders none (every page carried forward from the last run, a
    resumed run past its crawl) starts no Chromium; a browser that will not start fails that render."""

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
        # Last returned, first taken: while fewer pages render at once than there are contexts (a small
        # site, the start of a crawl), the same warm tab is reused instead of each context opening its
        # own (a new tab starts a renderer and compiles the init scripts: several pages' worth of CPU).
        self._contexts: asyncio.LifoQueue[tuple[BrowserContext, int, _Tab | None]] = asyncio.LifoQueue()
        self._gate = _RequestGate(guard, self.settings.block_third_party, blocked_hosts())
        self._egress: EgressProxy | None = None
        self._launching = asyncio.Lock()

    async def __aenter__(self) -> Renderer:
        if not Path(self.settings.executable).is_file():
            raise BrowserNotFound(f"No Chromium at {self.settings.executable}. {CHROMIUM_INSTALL}")
        return self

    async def _launched(self) -> None:
        """Starts the browser, once, for the first page to render."""
        async with self._launching:
            if self._browser is not None:
                return
            self._egress = EgressProxy(self.guard).start()
            self._playwright = await async_playwright().start()
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.settings.executable,
                    args=[*CHROMIUM_ARGS, *self._egress.chromium_args()],
                    headless=True,
                )
            except PlaywrightError as exc:
                await self._playwright.stop()
                self._egress.stop()
                self._playwright = self._egress = None
                raise BrowserNotFound(f"Chromium at {self.settings.executable} did not start: {exc}") from exc
            for _ in range(self.concurrency):
                self._contexts.put_nowait((await self._new_context(), 0, None))

    async def __aexit__(self, *exc: object) -> None:
        while not self._contexts.empty():
            context, _, _ = self._contexts.get_nowait()
            with contextlib.suppress(PlaywrightError):
                await context.close()
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        if self._egress is not None:
            self._egress.stop()

    @property
    def browser_version(self) -> str:
        return self._browser.version if self._browser else ""

    async def _new_context(self) -> BrowserContext:
        assert self._browser is not None
        # No service workers: one registered by a page would serve (and rewrite) every later page of the
        # context, and its fetches are invisible to request interception.
        context = await self._browser.new_context(
            viewport=DESKTOP,
            user_agent=self.user_agent or None,
            accept_downloads=False,
            service_workers="block",
            extra_http_headers=self.settings.extra_headers or None,
        )
        if self.settings.cookies:
            await context.add_cookies(list(self.settings.cookies))  # type: ignore[arg-type]  # Cookie: SetCookieParam's keys, untyped
        await context.add_init_script(script=_QUIET_BROWSER_APIS)
        await context.add_init_script(script=_DOCUMENT_HTML_API)
        await context.add_init_script(script=RESIZE_TIMERS_SCRIPT)
        for script in self.settings.init_scripts:
            await context.add_init_script(path=str(script))
        await context.route("**/*", self._gate)
        return context

    async def render(
        self, url: str, inspectors: Sequence[PageInspector] = (), served: ServedDocument | None = None
    ) -> RenderOutcome:
        """Render `url`. With `served`, the browser gets the document the crawler already
        fetched instead of requesting it again: each page is fetched once. Never raises for what
        a page does, and returns within about timeout_s (+ inspect_timeout_s per inspector); raises
        BrowserNotFound when the browser, started for the first page, will not start."""
        await self._launched()
        context, used, tab = await self._contexts.get()
        healthy = True
        try:
            if tab is None:
                tab = await self._new_tab(context)
            outcome, healthy = await self._render_in(tab, url, inspectors, served)
            return outcome
        finally:
            used += 1
            if tab is not None and not healthy:
                # A page that timed out, crashed or failed may still run its scripts: it goes.
                self._gate.own_pages.pop(tab.page, None)
                healthy = await _bounded(tab.page.close(), CLOSE_TIMEOUT_S)
                tab = None
            if not healthy or used >= self.settings.pages_per_context:
                # A context whose page would not close holds a stuck renderer: it goes, whatever it costs.
                if tab is not None:
                    self._gate.own_pages.pop(tab.page, None)
                await _bounded(context.close(), CLOSE_TIMEOUT_S)
                context, used, tab = await self._new_context(), 0, None
            self._contexts.put_nowait((context, used, tab))

    async def _new_tab(self, context: BrowserContext) -> _Tab:
        page = await context.new_page()
        tab = _Tab(page)
        self._gate.own_pages[page] = tab
        await page.route("**/*", lambda route: tab.replay(route))  # Playwright tags the handler: a plain function
        page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
        # Pop-ups opened by a page are closed at once: they are never part of the crawl.
        page.on("popup", lambda popup: asyncio.ensure_future(_close_popup(popup)))
        page.on("crash", lambda _: setattr(tab, "crashed", True))
        page.on("requestfailed", lambda request: _note_failed_navigation(tab, request))
        return tab

    async def _render_in(
        self, tab: _Tab, url: str, inspectors: Sequence[PageInspector], served: ServedDocument | None
    ) -> tuple[RenderOutcome, bool]:
        """The outcome, and whether the page is still fit for the next URL."""
        started = time.perf_counter()
        page = tab.page
        tab.served = (url, served) if served is not None else None
        outcome = RenderOutcome(final_url=url, dom=None, render_ms=0.0)
        tab.failed_navigations.clear()
        tab.navigation_failed.clear()
        healthy = False
        try:
            # One deadline for every step: page.evaluate and page.content() have no timeout of their
            # own and never return from a page stuck in a script loop.
            async with asyncio.timeout(self.settings.timeout_s):
                await self._load_unless_failed(tab, url, outcome)
                await tab.navigations_decided()
                if await self._left_for_nowhere(tab, outcome):
                    return outcome, False
                outcome.final_url = page.url
                outcome.dom = await _document_html(page)
                outcome.render_ms = (time.perf_counter() - started) * 1000
                outcome.assets = tuple(await page.evaluate(_ASSETS))
                outcome.measurements = await self._measure(page)
                # A navigation the page started while its DOM was taken: the DOM is not what stays.
                await tab.navigations_decided()
                if await self._left_for_nowhere(tab, outcome):
                    return outcome, False
            await self._inspect(tab, outcome, inspectors)
            # A page that needed a note (load event missing) or an inspector that gave up may
            # still be busy: only a clean render leaves the page for the next URL.
            healthy = not outcome.error and not outcome.inspection_errors
        except (PlaywrightTimeout, TimeoutError):
            outcome.timed_out = True
            step = "inspecting" if outcome.dom is not None else "rendering"
            limit = self.settings.inspect_timeout_s if outcome.dom is not None else self.settings.timeout_s
            outcome.error = f"page did not finish {step} within {limit:g} s"
        except PlaywrightError as exc:
            if not await self._left_for_nowhere(tab, outcome):
                outcome.error = _render_error(exc, crashed=tab.crashed)
        finally:
            outcome.render_ms = outcome.render_ms or (time.perf_counter() - started) * 1000
            tab.served = None
        return outcome, healthy and not tab.crashed and not page.is_closed()

    async def _inspect(self, tab: _Tab, outcome: RenderOutcome, inspectors: Sequence[PageInspector]) -> None:
        page = tab.page
        for inspector in inspectors:
            # Each inspector on its own: one that fails (a check's script throwing on an SVG
            # document, say) costs its own results, not every other inspector's.
            try:
                inspecting = (
                    inspector.inspect_after(page, outcome.final_url, dict(outcome.inspections))
                    if isinstance(inspector, FollowUpInspector)
                    else inspector.inspect(page, outcome.final_url)
                )
                outcome.inspections[inspector.name] = await asyncio.wait_for(
                    inspecting, self.settings.inspect_timeout_s
                )
            except (PlaywrightTimeout, TimeoutError):
                outcome.inspection_errors[inspector.name] = (
                    f"did not finish within {self.settings.inspect_timeout_s:g} s"
                )
            except PlaywrightError as exc:
                if tab.crashed or page.is_closed():
                    raise
                outcome.inspection_errors[inspector.name] = str(exc).splitlines()[0]

    async def _load_unless_failed(self, tab: _Tab, url: str, outcome: RenderOutcome) -> None:
        """`_load`, cut short when a navigation of the page fails: waiting for the load event and a quiet
        DOM of Chromium's error page would only cost time."""
        load = asyncio.ensure_future(self._load(tab, url, outcome))
        failed = asyncio.ensure_future(tab.navigation_failed.wait())
        try:
            await asyncio.wait({load, failed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            failed.cancel()
            if not load.done():
                load.cancel()
                with contextlib.suppress(asyncio.CancelledError, PlaywrightError):
                    await load
        if not tab.failed_navigations:
            load.result()

    async def _left_for_nowhere(self, tab: _Tab, outcome: RenderOutcome) -> bool:
        """True when the page's own navigation (meta refresh, script, form, a redirect hop) was refused
        by the guard or ended on Chromium's error page: the outcome then says so, and keeps nothing of
        the page. A refused navigation counts even if the old document stayed: the page tried to leave."""
        for failed_url, failure in tab.failed_navigations:
            parts = urlsplit(failed_url)
            host = (parts.hostname or "").lower()
            port = port_of(parts)
            refusal = self._egress.refusal(host, port) if self._egress is not None else None
            why = refusal.reason if refusal is not None else ""
            if not why and failure in _REFUSED_ERRORS and parts.scheme in ("http", "https"):
                try:
                    await self.guard.check(host, port)
                except (BlockedAddress, UnresolvableHost) as exc:
                    why = str(exc)
            if why:
                outcome.blocked = f"navigation to {failed_url} blocked: {why}"
                break
        page_url = "" if tab.page.is_closed() else tab.page.url
        if not outcome.blocked and not page_url.startswith(ERROR_PAGE):
            return False
        if not outcome.blocked:
            attempted = tab.failed_navigations[-1] if tab.failed_navigations else (outcome.final_url, "")
            outcome.error = f"navigation to {attempted[0]} ended on the browser's error page {attempted[1]}".strip()
        else:
            outcome.error = outcome.blocked
        outcome.dom, outcome.measurements, outcome.inspections, outcome.assets = None, {}, {}, ()
        return True

    async def _load(self, tab: _Tab, url: str, outcome: RenderOutcome) -> None:
        """Go to the page and wait until its DOM is quiet. Waits for `load`, but a page whose load
        event never comes (a subresource that hangs) is taken once its DOM is parsed and quiet, with
        a note. A page that navigates (meta refresh, script) is followed a few times."""
        page, served = tab.page, tab.served
        try:
            await page.goto(url, wait_until="domcontentloaded", timeout=self.settings.timeout_s * 1000)
        except PlaywrightError as exc:
            if "interrupted by another navigation" not in str(exc):
                raise
            # The previous document's own navigation (a timer setting location) won the race: go again.
            tab.served = served
            await page.goto(url, wait_until="domcontentloaded", timeout=self.settings.timeout_s * 1000)
        quiet = [self.settings.dom_quiet_ms, self.settings.dom_quiet_cap_ms]
        for _ in range(MAX_NAVIGATIONS + 1):
            try:
                await page.wait_for_load_state("load", timeout=self.settings.timeout_s * 500)
            except PlaywrightTimeout:
                outcome.error = f"load event did not fire within {self.settings.timeout_s / 2:g} s: DOM taken as is"
            try:
                await page.evaluate(_WAIT_DOM_QUIET, quiet)
                return
            except PlaywrightError as exc:
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                # The page navigated while we watched it: watch the new document instead.
                await page.wait_for_load_state("domcontentloaded", timeout=self.settings.timeout_s * 1000)
        raise PlaywrightError(f"page kept navigating (more than {MAX_NAVIGATIONS} navigations)")

    async def _measure(self, page: Page) -> dict[str, float]:
        """Horizontal overflow at narrow widths (responsive design), then back to desktop."""
        measurements: dict[str, float] = {}
        for width in self.settings.measure_widths:
            await resize(page, {"width": width, "height": 800})
            measurements[f"overflow_{width}"] = float(await page.evaluate(_OVERFLOW))
        if self.settings.measure_widths:
            await resize(page, DESKTOP)
        return measurements


def _note_failed_navigation(tab: _Tab, request: Any) -> None:
    try:
        if not request.is_navigation_request() or request.frame != tab.page.main_frame:
            return
    except PlaywrightError:
        return
    failure = request.failure or ""
    if failure != "net::ERR_ABORTED":  # a navigation replaced by the next one is not a failure
        tab.failed_navigations.append((request.url, failure))
        tab.navigation_failed.set()


def _render_error(exc: PlaywrightError, *, crashed: bool) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if crashed or "crash" in message.lower():
        return "render failed: the page crashed the browser's renderer (out of memory?)"
    if "Download is starting" in message:
        return "render failed: the browser treats this response as a download, not a page"
    return f"render failed: {message}"


async def _bounded(operation: Awaitable[Any], seconds: float) -> bool:
    """Run a clean-up step; False if it failed or did not finish in time (the caller escalates)."""
    try:
        await asyncio.wait_for(operation, seconds)
    except (PlaywrightError, TimeoutError):
        return False
    return True


async def _dismiss(dialog: Any) -> None:
    with contextlib.suppress(PlaywrightError):
        # Dismissing "leave this page?" would keep the kept-open page on the previous document.
        await (dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())


async def _close_popup(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()
