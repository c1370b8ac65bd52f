"""The crawl: a frontier in click-depth order, fetch once, render at most once, yield snapshots.

Like a Scrapy engine, `Crawler` is the loop and the frontier; what happens to one page is a
sequence of small steps (crawler/steps.py says which, and in what order): gates that may settle a
page without a request (a trap, robots.txt, the revisit policy), then the fetch and the steps after
it (a challenge, a back-off, unchanged since the last run, render or not, the browser, a login
wall), and discovery of the page's links.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeAlias

from crawler.budget import RetryQueue, TimeBudget
from crawler.discovery import Discovery, Sitemaps
from crawler.fetch import Fetcher
from crawler.frontier import Frontier, FrontierEntry, MemoryFrontier
from crawler.incremental import LinksReader, PreviousVisit, RevisitPolicy, Revisits
from crawler.parse import parse_html
from crawler.parse_pool import ParsePool
from crawler.politeness import BACK_OFF_CODES, MAX_CRAWL_DELAY_S, MAX_RETRY_AFTER_S, Caps, HostLimits, fetch_politely
from crawler.recrawl import AssetHashes, Recrawl
from crawler.render import PageInspector, Renderer
from crawler.robots import RobotsCache
from crawler.scope import Scope
from crawler.site import SiteConfig
from crawler.snapshot import PageSnapshot, ScanStatus
from crawler.steps import (
    DOCUMENT_TYPES,
    Again,
    BackOff,
    Challenges,
    CrawledPage,
    Gate,
    Job,
    RenderChoice,
    RenderDecision,
    Rendering,
    RenderMode,
    RobotsGate,
    TrapGate,
    from_fetch,
    unrequested,
    with_parsed,
)

__all__ = ["CLAIM_BATCH", "CrawlSettings", "CrawledPage", "Crawler", "RenderChoice", "RenderMode"]

CLAIM_BATCH = 256  # frontier entries claimed at once (see Crawler.crawl)


@dataclass(slots=True)
class CrawlSettings:
    concurrency: int = 2
    per_host: int = 2
    render: RenderMode = RenderMode.ALWAYS
    respect_robots: bool = True
    min_host_delay_s: float = 0.0
    time_budget_s: float | None = None
    max_crawl_delay_s: float = MAX_CRAWL_DELAY_S
    max_retry_after_s: float = MAX_RETRY_AFTER_S
    use_sitemaps: bool = True
    official_hops: int = 0
    revisit: RevisitPolicy = field(default_factory=RevisitPolicy)


InFlight: TypeAlias = dict[asyncio.Task[CrawledPage | Again], Job]


class Crawler:
    def __init__(
        self,
        site: SiteConfig,
        fetcher: Fetcher,
        robots: RobotsCache,
        renderer: Renderer | None = None,
        inspectors: Sequence[PageInspector] = (),
        settings: CrawlSettings | None = None,
        *,
        frontier: Frontier | None = None,
        previous: Mapping[str, PreviousVisit] | None = None,
        previous_links: LinksReader | None = None,
        choose_render: RenderChoice | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        budget: TimeBudget | None = None,
    ) -> None:
        self.site = site
        self.fetcher = fetcher
        self.robots = robots
        self.renderer = renderer
        self.settings = settings = settings or CrawlSettings()
        self.frontier: Frontier = frontier if frontier is not None else MemoryFrontier()
        self.on_progress = on_progress
        self.scope = Scope(site.scope_hosts, site.country, settings.official_hops)
        self.limits = HostLimits(settings.per_host)
        self.caps = Caps(settings.max_crawl_delay_s, settings.max_retry_after_s)
        # A run's budget started before the crawl (the browser's start counts), else the crawl's own.
        self._given_budget = budget
        self.budget = budget or TimeBudget(settings.time_budget_s)
        self.parser = ParsePool()
        # The steps, in the order a page meets them (see crawler/steps.py).
        assets = AssetHashes(fetcher, self.scope)
        self.recrawl = Recrawl(previous, previous_links, settings.revisit, assets)
        self._gates: tuple[Gate, ...] = (
            TrapGate(self.scope),
            RobotsGate(robots, self.caps, respect=settings.respect_robots, min_delay_s=settings.min_host_delay_s),
            self.recrawl,
        )
        self.challenges = Challenges()
        self.back_off = BackOff(self.caps)
        self.render_decision = RenderDecision(settings.render, choose_render)
        self.rendering = Rendering(renderer, inspectors, self.parser, assets.of_own) if renderer is not None else None
        self.discovery = Discovery(site, self.scope, self.frontier)
        self.sitemaps = Sitemaps(site, robots, fetcher)
        # The loop's own state.
        self._stopped = False
        self._done = 0
        self._retries: RetryQueue[Again] = RetryQueue()
        self._abandoned = 0  # fetches cancelled when the budget ran out: left for a resume
        self._ready: deque[Job] = deque()  # claimed, settled, waiting for a fetch slot

    @property
    def revisits(self) -> Revisits:
        return self.recrawl.revisits

    @property
    def assets_changed(self) -> int:
        return self.recrawl.assets_changed

    # --- the loop ------------------------------------------------------------------------------

    async def crawl(self) -> AsyncIterator[CrawledPage]:
        """Yield every page once, nearest the start first, until the frontier is empty or the
        time budget is spent (what is left stays in the frontier for a resume).

        Entries are claimed CLAIM_BATCH at a time and settled at once where no request is needed
        (carried forward by the revisit policy, a trap, robots.txt): on a recrawl most pages end
        there, and a task, a wait and a frontier write each would cost more than the page. The
        others wait in `_ready` for one of `concurrency` fetches in flight."""
        await self._begin()
        sitemaps_added = not self.settings.use_sitemaps
        in_flight: InFlight = {}
        try:
            while True:
                budget_left = not self._stopped and not self.budget.spent
                # Their wait is over: next in line.
                self._ready.extendleft(replace(a.job, attempt=a.job.attempt + 1) for a in self._retries.due())
                claimed = 0
                if budget_left and not self._ready and len(in_flight) < self.settings.concurrency:
                    claimed, settled = await self._claim()
                    for job, page in settled:
                        yield page
                        self._completed(job.entry)
                if not budget_left:
                    async for page in self._give_up(in_flight):
                        yield page
                    return
                self._start_fetches(in_flight)
                if not in_flight:
                    if claimed:
                        continue
                    if self._retries:
                        await asyncio.sleep(self._wait_s() or 0.0)
                        continue
                    if not sitemaps_added:
                        sitemaps_added = True
                        await self._add_sitemap_pages()
                        continue
                    return
                if claimed and not self._ready and len(in_flight) < self.settings.concurrency:
                    await asyncio.sleep(0)  # the fetches in flight get their turn; then claim more
                    continue
                for job, page in await self._finished(in_flight):
                    yield page
                    self._completed(job.entry)
        finally:
            await _cancel(in_flight)
            self.parser.close()

    async def _begin(self) -> None:
        self.budget = self._given_budget or TimeBudget(self.settings.time_budget_s)
        if self.frontier.known() == 0:
            self.frontier.add([FrontierEntry(url, 0, via="start") for url in self.site.start_urls])
        else:
            self.frontier.release()  # a resumed crawl: what was in flight when it stopped goes again
        if self.recrawl.previous and self.settings.use_sitemaps and self.settings.revisit.sitemap_lastmod:
            # A recrawl reads the sitemaps first: their <lastmod> spares requests for unchanged pages.
            self.recrawl.note_sitemaps(await self.sitemaps.entries())

    async def _claim(self) -> tuple[int, list[tuple[Job, CrawledPage]]]:
        """Claim a batch and run the gates on it: the pages settled without a request (their links
        already in the frontier), the others queued in `_ready`."""
        claimed = self.frontier.claim(CLAIM_BATCH)
        self.recrawl.read_links(claimed, self.discovery.discovers)
        settled: list[tuple[Job, CrawledPage]] = []
        for entry in claimed:
            job = Job(entry)
            outcome = await self._settle(job)
            if isinstance(outcome, Job):
                self._ready.append(outcome)
            else:
                self.discovery.discover(outcome, entry)
                settled.append((job, CrawledPage(outcome)))
        self.discovery.flush()  # a page's links reach the frontier before the page is handed on
        return len(claimed), settled

    async def _settle(self, job: Job) -> Job | PageSnapshot:
        """The gates in order; awaits only to read a host's robots.txt the first time (and, on a
        recrawl, a stylesheet or script the first time)."""
        for gate in self._gates:
            outcome = await gate.settle(job)
            if not isinstance(outcome, Job):
                return outcome
            job = outcome
        return job

    def _start_fetches(self, in_flight: InFlight) -> None:
        while self._ready and len(in_flight) < self.settings.concurrency:
            job = self._ready.popleft()
            in_flight[asyncio.create_task(self._visit(job))] = job

    async def _finished(self, in_flight: InFlight) -> list[tuple[Job, CrawledPage]]:
        """The pages whose fetch ended first (waiting at most until a retry falls due or the budget
        ends); a page to be asked again goes to the retry queue."""
        done, _ = await asyncio.wait(in_flight, timeout=self._wait_s(), return_when=asyncio.FIRST_COMPLETED)
        self.discovery.flush()
        pages: list[tuple[Job, CrawledPage]] = []
        for task in done:
            job = in_flight.pop(task)
            result = task.result()  # a bug in a step surfaces here, not as a hang
            if isinstance(result, Again):
                self._retries.push(result, result.wait_s)
            else:
                pages.append((job, result))
        return pages

    async def _give_up(self, in_flight: InFlight) -> AsyncIterator[CrawledPage]:
        """The budget is spent: nothing new starts, every wait is cancelled (what was in flight
        stays claimed, for a resume), and a page waiting to be asked again ends refused."""
        for again in self._retries.drain():
            yield again.refused
            self._completed(again.job.entry)
        self._abandoned += len(in_flight)
        await _cancel(in_flight)

    async def _add_sitemap_pages(self) -> None:
        if self.discovery.room() > 0:
            self.discovery.add_sitemap_pages(await self.sitemaps.entries())

    def _wait_s(self) -> float | None:
        """How long the loop may wait for a fetch: until the next retry falls due or the budget ends."""
        waits = [w for w in (self._retries.next_in(), self.budget.left()) if w is not None]
        return min(waits) if waits else None

    def stop(self) -> None:
        """No page is taken from the frontier any more: the pages in flight finish, then `crawl`
        ends as when the time budget runs out (what is left stays in the frontier)."""
        self._stopped = True

    def left(self) -> int:
        """Entries not crawled: pending in the frontier, or claimed and waiting for a fetch slot
        when the time budget ran out (a resume releases those)."""
        return self.frontier.pending() + len(self._ready) + self._abandoned

    def _completed(self, entry: FrontierEntry) -> None:
        self.frontier.complete(entry)
        self.recrawl.release(entry)
        self._done += 1
        if self.on_progress:
            self.on_progress(self._done, self.frontier.known())

    # --- one page, after the gates -------------------------------------------------------------

    async def _visit(self, job: Job) -> CrawledPage | Again:
        """The request, then the steps after it, in order."""
        entry = job.entry
        headers = job.previous.conditional_headers() if job.previous else {}
        fetched = await fetch_politely(self.fetcher, self.limits, entry.url, headers, job.delay)
        snapshot = from_fetch(fetched, entry, self.challenges)
        if self.rendering is None and snapshot.html:
            fetched.body = b""  # the page's text is in the snapshot; no browser will replay the bytes
        if fetched.status_code in BACK_OFF_CODES:
            return self.back_off.answer(job, fetched, snapshot, self.budget)
        if (carried := self.recrawl.after_fetch(job, fetched, snapshot)) is not None:
            self.discovery.discover(carried, entry)
            return CrawledPage(carried)
        if snapshot.ok and fetched.content_type in DOCUMENT_TYPES:
            return CrawledPage(snapshot, document=fetched.body)
        if not (snapshot.ok and snapshot.is_html):
            return CrawledPage(snapshot)
        parsed = await self.parser.parse(snapshot.html, snapshot.final_url)
        reason = self.render_decision.reason(snapshot, parsed)
        page = CrawledPage(snapshot)
        if reason and self.rendering is not None:
            rendered = await self.rendering.render(snapshot, parsed, fetched, reason)
            page = CrawledPage(rendered.snapshot, rendered.inspections, inspection_errors=rendered.errors)
            parsed = rendered.parsed
        else:
            page.snapshot = replace(snapshot, render_reason=reason or "static page: not rendered")
        page.snapshot = with_parsed(page.snapshot, parsed)
        self.discovery.discover_fetched(page.snapshot, entry)
        return page

    async def probe(self, url: str, depth: int = 0) -> PageSnapshot:
        """Fetch and parse one URL outside the frontier, never rendered: a detector's probe
        (running a search) goes through the same fetcher, robots and address guard."""
        entry = FrontierEntry(url, depth, via="probe")
        if self.settings.respect_robots and not await self.robots.allowed(url):
            return unrequested(entry, ScanStatus.ROBOTS_DENIED, "disallowed by robots.txt")
        fetched = await self.fetcher.fetch(url)
        snapshot = from_fetch(fetched, entry, self.challenges)
        if snapshot.ok and snapshot.is_html:
            # In a thread: a probe runs after the crawl, when the parsing worker is gone.
            return with_parsed(snapshot, await asyncio.to_thread(parse_html, snapshot.html, snapshot.final_url))
        if snapshot.ok and _is_json(fetched.content_type):
            # A catalogue API's answer: the detector that asked reads the JSON as text.
            return replace(snapshot, text=fetched.text)
        return snapshot


async def _cancel(in_flight: InFlight) -> None:
    for task in in_flight:
        task.cancel()
    await asyncio.gather(*in_flight, return_exceptions=True)
    in_flight.clear()


def _is_json(content_type: str) -> bool:
    return content_type in ("application/json", "text/json") or content_type.endswith("+json")
