"""The crawl: a frontier in click-depth order, fetch once, render at most once, yield snapshots.

Like a Scrapy engine, it only wires named components: `Fetcher` (HTTP), `RobotsCache`
(politeness), `Renderer` (browser) and the live-page inspectors it is handed.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from crawler.fetch import Fetcher, FetchResult
from crawler.language import detect_language
from crawler.parse import ParsedPage, parse_html
from crawler.render import PageInspector, Renderer, ServedDocument
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from crawler.snapshot import PageSnapshot, ScanStatus
from crawler.urls import host_of, in_scope, url_key

HTML_TYPES = ("text/html", "application/xhtml+xml")


class RenderMode(StrEnum):
    ALWAYS = "always"  # every HTML page (what an accessibility audit needs)
    NEVER = "never"  # HTTP only


@dataclass(slots=True)
class CrawlSettings:
    concurrency: int = 2
    render: RenderMode = RenderMode.ALWAYS
    respect_robots: bool = True
    min_host_delay_s: float = 0.0


@dataclass(slots=True)
class CrawledPage:
    snapshot: PageSnapshot
    inspections: dict[str, Sequence[Any]] = field(default_factory=dict)


@dataclass(order=True, slots=True)
class _Request:
    depth: int
    seq: int
    url: str = field(compare=False)
    referrer: str | None = field(compare=False, default=None)


class _HostThrottle:
    """At most one request start per host every `delay` seconds (robots Crawl-delay or setting)."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, host: str, delay: float) -> None:
        if delay <= 0:
            return
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + delay
        await asyncio.sleep(start - now)


class Crawler:
    def __init__(
        self,
        site: SiteConfig,
        fetcher: Fetcher,
        robots: RobotsCache,
        renderer: Renderer | None = None,
        inspectors: Sequence[PageInspector] = (),
        settings: CrawlSettings | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.site = site
        self.fetcher = fetcher
        self.robots = robots
        self.renderer = renderer
        self.inspectors = inspectors
        self.settings = settings or CrawlSettings()
        self.on_progress = on_progress
        self._seen: set[str] = set()
        self._queue: asyncio.PriorityQueue[_Request] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self._throttle = _HostThrottle()
        self._done = 0

    def _enqueue(self, url: str, depth: int, referrer: str | None) -> None:
        key = url_key(url)
        if key in self._seen or len(self._seen) >= self.site.max_pages:
            return
        self._seen.add(key)
        self._queue.put_nowait(_Request(depth, next(self._seq), url, referrer))

    async def crawl(self) -> AsyncIterator[CrawledPage]:
        """Yield every page once, in roughly breadth-first order, until the frontier is empty."""
        for url in self.site.start_urls:
            self._enqueue(url, 0, None)
        results: asyncio.Queue[CrawledPage | BaseException] = asyncio.Queue()
        workers = [asyncio.create_task(self._worker(results)) for _ in range(self.settings.concurrency)]
        try:
            while self._done < len(self._seen):
                item = await results.get()
                if isinstance(item, BaseException):
                    raise item
                self._done += 1
                if self.on_progress:
                    self.on_progress(self._done, len(self._seen))
                yield item
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _worker(self, results: asyncio.Queue[CrawledPage | BaseException]) -> None:
        while True:
            request = await self._queue.get()
            try:
                page = await self._process(request)
            except Exception as exc:  # a bug must surface, not hang the crawl
                await results.put(exc)
                return
            await results.put(page)

    async def _process(self, request: _Request) -> CrawledPage:
        base = PageSnapshot(
            requested_url=request.url,
            final_url=request.url,
            depth=request.depth,
            status=ScanStatus.OK,
            referrer=request.referrer,
        )
        rules = await self.robots.rules_for(request.url)
        if self.settings.respect_robots and rules.unavailable:
            # Unreachable robots.txt means "do not crawl" (RFC 9309); say why, not just "denied".
            return CrawledPage(replace(base, status=ScanStatus.ERROR, reason=rules.unavailable))
        if self.settings.respect_robots and not rules.allowed(request.url, self.robots.user_agent_token):
            return CrawledPage(replace(base, status=ScanStatus.ROBOTS_DENIED, reason="disallowed by robots.txt"))
        delay = max(self.settings.min_host_delay_s, rules.crawl_delay(self.robots.user_agent_token) or 0.0)
        await self._throttle.wait(host_of(request.url), delay)
        fetched = await self.fetcher.fetch(request.url)
        snapshot = self._from_fetch(base, fetched)
        inspections: dict[str, Sequence[Any]] = {}
        if snapshot.ok and snapshot.is_html:
            parsed = parse_html(snapshot.html, snapshot.final_url)
            if self.renderer is not None and self.settings.render is RenderMode.ALWAYS:
                served = ServedDocument(fetched.status_code or 200, fetched.headers, fetched.body)
                snapshot, parsed, inspections = await self._render(snapshot, parsed, served)
            snapshot = self._with_parsed(snapshot, parsed)
            if in_scope(snapshot.final_url, self.site.scope_hosts) and request.depth < self.site.max_depth:
                for link in snapshot.fetchable_links:
                    if in_scope(link.url, self.site.scope_hosts):
                        self._enqueue(link.url, request.depth + 1, snapshot.final_url)
        return CrawledPage(snapshot, inspections)

    async def probe(self, url: str, depth: int = 0) -> PageSnapshot:
        """Fetch and parse one URL outside the frontier, never rendered: a detector's probe
        (running a search) goes through the same fetcher, robots and address guard."""
        base = PageSnapshot(requested_url=url, final_url=url, depth=depth, status=ScanStatus.OK)
        if self.settings.respect_robots and not await self.robots.allowed(url):
            return replace(base, status=ScanStatus.ROBOTS_DENIED, reason="disallowed by robots.txt")
        snapshot = self._from_fetch(base, await self.fetcher.fetch(url))
        if snapshot.ok and snapshot.is_html:
            snapshot = self._with_parsed(snapshot, parse_html(snapshot.html, snapshot.final_url))
        return snapshot

    async def _render(
        self, snapshot: PageSnapshot, parsed: ParsedPage, served: ServedDocument
    ) -> tuple[PageSnapshot, ParsedPage, dict[str, Sequence[Any]]]:
        assert self.renderer is not None
        outcome = await self.renderer.render(snapshot.final_url, self.inspectors, served)
        snapshot = replace(
            snapshot,
            render_ms=outcome.render_ms,
            render_reason="render mode: always",
            measurements=outcome.measurements,
        )
        if outcome.dom is None:
            status = ScanStatus.TIMEOUT if outcome.timed_out else ScanStatus.ERROR
            return replace(snapshot, status=status, reason=outcome.error), parsed, {}
        return (
            replace(snapshot, dom=outcome.dom),
            parse_html(outcome.dom, outcome.final_url),
            outcome.inspections,
        )

    @staticmethod
    def _from_fetch(base: PageSnapshot, fetched: FetchResult) -> PageSnapshot:
        snapshot = replace(
            base,
            final_url=fetched.final_url,
            status=fetched.status,
            status_code=fetched.status_code,
            reason=fetched.reason,
            redirect_chain=fetched.redirect_chain,
            headers=fetched.headers,
            content_type=fetched.content_type,
            content_length=len(fetched.body),
            content_hash=hashlib.sha256(fetched.body).hexdigest() if fetched.body else "",
            fetch_ms=fetched.elapsed_ms,
        )
        if snapshot.status is ScanStatus.OK and fetched.content_type in HTML_TYPES:
            snapshot = replace(snapshot, html=fetched.text)
        return snapshot

    @staticmethod
    def _with_parsed(snapshot: PageSnapshot, parsed: ParsedPage) -> PageSnapshot:
        status, reason = snapshot.status, snapshot.reason
        has_password = any("password" in form.field_types for form in parsed.forms)
        if status is ScanStatus.OK and has_password and snapshot.redirect_chain:
            status, reason = ScanStatus.LOGIN_WALL, "redirected to a sign-in form"
        return replace(
            snapshot,
            status=status,
            reason=reason,
            title=parsed.title,
            language=detect_language(parsed.language, parsed.text),
            text=parsed.text,
            links=parsed.links,
            forms=parsed.forms,
            meta=parsed.meta,
        )
