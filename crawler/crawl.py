"""The crawl: a frontier in click-depth order, fetch once, render at most once, yield snapshots.

Like a Scrapy engine, it only wires named components: a `Frontier` (what is left), `Scope`
(what to follow), `RobotsCache` and `HostLimits` (politeness), `Fetcher` (HTTP), `Renderer`
(browser) and the live-page inspectors it is handed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from typing import Any

from crawler.budget import RetryQueue, TimeBudget
from crawler.fetch import Fetcher, FetchResult
from crawler.frontier import Frontier, FrontierEntry, MemoryFrontier
from crawler.incremental import Decision, LinksReader, PreviousVisit, RevisitPolicy, Revisits
from crawler.language import detect_language
from crawler.parse import MAX_HTML_CHARS, MAX_LINKS, ParsedPage, parse_html
from crawler.parse_pool import ParsePool
from crawler.politeness import (
    ATTEMPTS,
    BACK_OFF_CODES,
    MAX_CRAWL_DELAY_S,
    MAX_RETRY_AFTER_S,
    Caps,
    HostLimits,
    fetch_politely,
    retry_after_seconds,
)
from crawler.render import PageInspector, Renderer, ServedDocument
from crawler.robots import RobotsCache
from crawler.scope import Scope, strip_session
from crawler.site import SiteConfig
from crawler.sitemaps import SitemapEntry, read_sitemaps
from crawler.snapshot import Link, PageSnapshot, ScanStatus
from crawler.urls import absolutize, host_of, origin_of, url_key

HTML_TYPES = ("text/html", "application/xhtml+xml")
DOCUMENT_TYPES = ("application/pdf",)  # documents whose bytes are handed on to be audited
# Markers of a page that shows its content only after scripts run.
_JS_APP_MARKERS = ('id="root"', 'id="app"', "ng-app", "data-reactroot", "__NEXT_DATA__", "__NUXT__")
MIN_STATIC_TEXT = 200
CLAIM_BATCH = 256  # frontier entries claimed at once (see Crawler.crawl)


class RenderMode(StrEnum):
    ALWAYS = "always"  # every HTML page (what a full accessibility audit needs)
    AUTO = "auto"  # pages that need JavaScript, and pages the caller picks (an audit sample)
    NEVER = "never"  # HTTP only


RenderChoice = Callable[[PageSnapshot], str]  # a reason to render this page, or ""


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


@dataclass(slots=True)
class CrawledPage:
    snapshot: PageSnapshot
    inspections: dict[str, Sequence[Any]] = field(default_factory=dict)
    document: bytes = b""  # the bytes of a document (PDF) for the audits; pages carry their HTML
    inspection_errors: dict[str, str] = field(default_factory=dict)  # inspector name → why it failed


@dataclass(frozen=True, slots=True)
class _Fetch:
    """A page that needs a request, with what was settled before it."""

    base: PageSnapshot
    delay: float
    previous: PreviousVisit | None
    decision: Decision
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class _Again:
    """A page that answered 429/503: asked again after `wait_s`, or `refused` if the run ends first."""

    job: _Fetch
    wait_s: float
    refused: CrawledPage


def _challenge_markers() -> tuple[str, ...]:
    text = resources.files("crawler.data").joinpath("challenge_markers.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_json(content_type: str) -> bool:
    return content_type in ("application/json", "text/json") or content_type.endswith("+json")


def merge_links(rendered: Sequence[Link], served: Sequence[Link]) -> tuple[Link, ...]:
    """The rendered DOM's links, then the served HTML's links the DOM does not have (by URL)."""
    seen = {link.url for link in rendered}
    return (*rendered, *(link for link in served if link.url not in seen))[:MAX_LINKS]


def needs_javascript(html: str, parsed: ParsedPage) -> str:
    """A reason to render when the served HTML alone does not show the page, else ""."""
    if any(marker in html for marker in _JS_APP_MARKERS):
        return "served HTML is a JavaScript application shell"
    if len(parsed.text) < MIN_STATIC_TEXT and "<script" in html.lower():
        return f"served HTML has {len(parsed.text)} characters of text and scripts"
    return ""


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
        self.inspectors = inspectors
        self.settings = settings or CrawlSettings()
        self.frontier: Frontier = frontier if frontier is not None else MemoryFrontier()
        self.previous = previous or {}
        self.previous_links = previous_links
        self._links_read: dict[int, tuple[Link, ...]] = {}  # by visit id, until the page is settled
        self.choose_render = choose_render
        self.on_progress = on_progress
        self._stopped = False
        self.scope = Scope(site.scope_hosts, site.country, self.settings.official_hops)
        self.limits = HostLimits(self.settings.per_host)
        self.caps = Caps(self.settings.max_crawl_delay_s, self.settings.max_retry_after_s)
        # A run's budget started before the crawl (the browser's start counts), else the crawl's own.
        self._given_budget = budget
        self.budget = budget or TimeBudget(self.settings.time_budget_s)
        self._retries: RetryQueue[tuple[FrontierEntry, _Again]] = RetryQueue()
        self._abandoned = 0  # fetches cancelled when the budget ran out: left for a resume
        self.parser = ParsePool()
        self.sitemap_entries: list[SitemapEntry] = []
        self._sitemaps_read = False
        self.revisits = Revisits(self.settings.revisit)
        self._markers = _challenge_markers()
        self._done = 0
        self._ready: deque[tuple[FrontierEntry, _Fetch]] = deque()  # claimed, settled, waiting for a fetch slot
        self._found: list[FrontierEntry] = []  # links found since the last write to the frontier
        # Stylesheets and scripts: each fetched once per run, URL → its hash (see `_asset_hash`).
        self._assets: dict[str, asyncio.Future[str]] = {}
        self.assets_changed = 0  # pages not carried forward because a stylesheet or script changed

    # --- the loop ------------------------------------------------------------------------------

    async def crawl(self) -> AsyncIterator[CrawledPage]:
        """Yield every page once, nearest the start first, until the frontier is empty or the
        time budget is spent (what is left stays in the frontier for a resume).

        Entries are claimed CLAIM_BATCH at a time and settled at once where no request is needed
        (carried forward by the revisit policy, a trap, robots.txt): on a recrawl most pages end
        there, and a task, a wait and a frontier write each would cost more than the page. The
        others wait in `_ready` for one of `concurrency` fetches in flight."""
        self.budget = self._given_budget or TimeBudget(self.settings.time_budget_s)
        if self.frontier.known() == 0:
            self.frontier.add([FrontierEntry(url, 0, via="start") for url in self.site.start_urls])
        else:
            self.frontier.release()  # a resumed crawl: what was in flight when it stopped goes again
        if self.previous and self.settings.use_sitemaps and self.settings.revisit.sitemap_lastmod:
            # A recrawl reads the sitemaps first: their <lastmod> spares requests for unchanged pages.
            await self._read_sitemaps()
        sitemaps_added = not self.settings.use_sitemaps
        concurrency = self.settings.concurrency
        in_flight: dict[asyncio.Task[CrawledPage | _Again], FrontierEntry] = {}
        try:
            while True:
                budget_left = not self._stopped and not self.budget.spent
                for entry, again in self._retries.due():  # their wait is over: next in line
                    self._ready.appendleft((entry, replace(again.job, attempt=again.job.attempt + 1)))
                claimed: list[FrontierEntry] = []
                if budget_left and not self._ready and len(in_flight) < concurrency:
                    claimed = self.frontier.claim(CLAIM_BATCH)
                    self._read_previous_links(claimed)
                    settled: list[tuple[FrontierEntry, CrawledPage]] = []
                    for entry in claimed:
                        outcome = await self._settle(entry)
                        if isinstance(outcome, CrawledPage):
                            settled.append((entry, outcome))
                        else:
                            self._ready.append((entry, outcome))
                    self._flush_found()  # a page's links reach the frontier before the page is handed on
                    for entry, page in settled:
                        yield page
                        self._completed(entry)
                while budget_left and self._ready and len(in_flight) < concurrency:
                    entry, job = self._ready.popleft()
                    in_flight[asyncio.create_task(self._fetch(entry, job))] = entry
                if not budget_left:
                    # Spent: nothing new starts, every wait is cancelled (what was in flight stays
                    # claimed, for a resume), and a page waiting to be asked again ends refused.
                    for entry, again in self._retries.drain():
                        yield again.refused
                        self._completed(entry)
                    self._abandoned += len(in_flight)
                    for task in in_flight:
                        task.cancel()
                    await asyncio.gather(*in_flight, return_exceptions=True)
                    in_flight.clear()
                    return
                if not in_flight:
                    if claimed:
                        continue
                    if self._retries:
                        await asyncio.sleep(self._wait_s() or 0.0)
                        continue
                    if not sitemaps_added:
                        sitemaps_added = True
                        await self._add_sitemap_entries()
                        continue
                    return
                if claimed and not self._ready and len(in_flight) < concurrency:
                    await asyncio.sleep(0)  # the fetches in flight get their turn; then claim more
                    continue
                done, _ = await asyncio.wait(in_flight, timeout=self._wait_s(), return_when=asyncio.FIRST_COMPLETED)
                self._flush_found()
                for task in done:
                    entry = in_flight.pop(task)
                    result = task.result()  # a bug in a component surfaces here, not as a hang
                    if isinstance(result, _Again):
                        self._retries.push((entry, result), result.wait_s)
                        continue
                    yield result
                    self._completed(entry)
        finally:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)
            self.parser.close()

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
        self._done += 1
        if self.on_progress:
            self.on_progress(self._done, self.frontier.known())

    def _discovers(self, entry: FrontierEntry) -> bool:
        """Whether the page's links may still add to the frontier (its depth and the page budget)."""
        return entry.depth < self.site.max_depth and self.site.max_pages - self.frontier.known() > 0

    def _discover(self, snapshot: PageSnapshot, entry: FrontierEntry) -> None:
        """Collect the page's links to follow; `_flush_found` writes them to the frontier, at the
        latest before the page is handed on, and at once when they may fill the page budget: the
        pages settled after it in the same claimed batch then know it is spent, and discover
        nothing (on a recrawl, a batch would otherwise scan a few hundred carried pages' links)."""
        if not snapshot.links or not self._discovers(entry):
            return
        for link in snapshot.fetchable_links:
            hops = self.scope.hops_for(link.url, entry.hops)
            if hops is None:
                continue
            url = strip_session(link.url)
            if not self.site.follows(url):
                continue
            if reason := self.scope.trap_reason(url):
                if self.scope.first_trap(reason):
                    self._found.append(FrontierEntry(url, entry.depth + 1, snapshot.final_url, "trap", hops))
                continue
            self._found.append(FrontierEntry(url, entry.depth + 1, snapshot.final_url, "link", hops))
        if len(self._found) >= self.site.max_pages - self.frontier.known():
            self._flush_found()

    def _read_previous_links(self, entries: Sequence[FrontierEntry]) -> None:
        """The stored links of the claimed pages' previous visits, in one read, for the pages whose
        links discovery can still use: once the page budget is spent (the frontier only grows
        between two claims) a carried page's links are never read at all."""
        if self.previous_links is None:
            return
        wanted = [
            previous.visit_id
            for entry in entries
            if (previous := self.previous.get(entry.key)) is not None
            and not previous.links_read
            and entry.via != "trap"
            and self._discovers(entry)
        ]
        if wanted:
            self._links_read.update(self.previous_links(wanted))

    def _flush_found(self) -> None:
        """The links collected since the last flush, in one write, within the page budget."""
        if not self._found:
            return
        room = self.site.max_pages - self.frontier.known()
        if room > 0:
            self.frontier.add(self._found, limit=room)
        self._found.clear()

    async def _read_sitemaps(self) -> None:
        """The sitemaps the start URLs' robots.txt declare (else /sitemap.xml), read once."""
        if self._sitemaps_read:
            return
        self._sitemaps_read = True
        roots = []
        for url in self.site.start_urls:
            rules = await self.robots.rules_for(url)
            declared = [absolutize(s, origin_of(url) + "/") for s in rules.sitemaps()]
            roots += [s for s in declared if s] or [origin_of(url) + "/sitemap.xml"]
        self.sitemap_entries = await read_sitemaps(self.fetcher, roots, max_urls=10 * self.site.max_pages)
        if self.previous:
            # Kept only for pages the last run saw: nothing else is asked of them.
            for e in self.sitemap_entries:
                if e.lastmod and (key := url_key(strip_session(e.url))) in self.previous:
                    self.revisits.lastmod[key] = e.lastmod

    async def _add_sitemap_entries(self) -> None:
        """Pages only the sitemaps name come after every page reachable by links; their depth is
        one past the limit, since no click path within it leads there."""
        room = self.site.max_pages - self.frontier.known()
        if room <= 0:
            return
        await self._read_sitemaps()
        depth = self.site.max_depth + 1
        entries = [
            FrontierEntry(strip_session(e.url), depth, via="sitemap")
            for e in self.sitemap_entries
            if self.scope.hops_for(e.url, 0) == 0 and self.site.follows(e.url)
        ]
        self.frontier.add(entries, limit=room)

    # --- one page ------------------------------------------------------------------------------

    async def _settle(self, entry: FrontierEntry) -> CrawledPage | _Fetch:
        """The page when it can be settled without a request to it, else what its fetch needs.
        Awaits only to read a host's robots.txt the first time."""
        base = PageSnapshot(
            requested_url=entry.url,
            final_url=entry.url,
            depth=entry.depth,
            status=ScanStatus.OK,
            referrer=entry.referrer,
            via=entry.via,
        )
        if entry.via == "trap":
            reason = self.scope.trap_reason(entry.url) or "crawler trap"
            return CrawledPage(replace(base, status=ScanStatus.TRAP, reason=f"{reason}: not fetched"))
        rules = await self.robots.rules_for(entry.url)
        previous = self.previous.get(entry.key)
        if previous is not None and previous.snapshot.assets and not await self._assets_unchanged(previous):
            # Same document, new stylesheet or script: what the audits find may differ. Fetched as new.
            self.assets_changed += 1
            self._links_read.pop(previous.visit_id, None)
            previous = None
        refused = None
        if self.settings.respect_robots and rules.unavailable:
            # Unreachable robots.txt means "do not crawl" (RFC 9309); say why, not just "denied".
            refused = replace(base, status=rules.unavailable_status, reason=rules.unavailable)
        elif self.settings.respect_robots and not rules.allowed(entry.url, self.robots.user_agent_token):
            refused = replace(base, status=ScanStatus.ROBOTS_DENIED, reason="disallowed by robots.txt")
        if refused is not None:
            if previous is not None:  # its stored links, if read, are not needed
                self._links_read.pop(previous.visit_id, None)
            return CrawledPage(refused)
        asked = rules.crawl_delay(self.robots.user_agent_token)
        delay = max(self.settings.min_host_delay_s, self.caps.crawl_delay(host_of(entry.url), asked))
        decision = Decision("", False)
        if previous is not None and entry.via != "start":  # a start URL is always asked: is the site alive?
            decision = self.revisits.decide(entry.key, previous)
            if decision.skip:
                carried = self._carry(base, previous, decision.skip, requested=False)
                self._discover(carried, entry)
                return CrawledPage(carried)
        return _Fetch(base, delay, previous, decision)

    async def _fetch(self, entry: FrontierEntry, job: _Fetch) -> CrawledPage | _Again:
        base, previous, decision = job.base, job.previous, job.decision
        headers = previous.conditional_headers() if previous else {}
        fetched = await fetch_politely(self.fetcher, self.limits, entry.url, headers, job.delay)
        snapshot = self._from_fetch(base, fetched)
        if self.renderer is None and snapshot.html:
            fetched.body = b""  # the page's text is in the snapshot; no browser will replay the bytes
        if fetched.status_code in BACK_OFF_CODES:
            return self._back_off(job, fetched, snapshot)
        if previous is not None and self._unchanged(fetched, snapshot, previous):
            carried = self._carry(snapshot, previous)
            self._discover(carried, entry)
            return CrawledPage(carried)
        if previous is not None:  # changed: its own links are read from this fetch
            self._links_read.pop(previous.visit_id, None)
        if decision.sitemap_unchanged and snapshot.ok:
            self.revisits.contradicted(entry.url)
        inspections: dict[str, Sequence[Any]] = {}
        errors: dict[str, str] = {}
        if snapshot.ok and fetched.content_type in DOCUMENT_TYPES:
            return CrawledPage(snapshot, document=fetched.body)
        if snapshot.ok and snapshot.is_html:
            parsed = await self.parser.parse(snapshot.html, snapshot.final_url)
            reason = self._render_reason(snapshot, parsed)
            if reason and self.renderer is not None:
                served = ServedDocument(fetched.status_code or 200, fetched.headers, fetched.body)
                snapshot, parsed, inspections, errors = await self._render(snapshot, parsed, served, reason)
            else:
                snapshot = replace(snapshot, render_reason=reason or "static page: not rendered")
            snapshot = self._with_parsed(snapshot, parsed)
            if self.scope.hops_for(snapshot.final_url, entry.hops) is not None:
                self._discover(snapshot, entry)
        return CrawledPage(snapshot, inspections, inspection_errors=errors)

    def _back_off(self, job: _Fetch, fetched: FetchResult, snapshot: PageSnapshot) -> CrawledPage | _Again:
        """A 429/503: this URL (only) is asked again after Retry-After (capped) or an exponential
        wait, up to ATTEMPTS times and within the time budget; else it ends with why."""
        header = fetched.headers.get("retry-after")
        asked = retry_after_seconds(header)
        wait_s = self.caps.retry_after(asked, job.attempt)
        said = f"Retry-After {header.strip()[:40]}" if header else "no Retry-After"
        code = f"HTTP {fetched.status_code} ({said})"
        capped = f", capped at {self.caps.retry_after_s:g} s" if asked is not None and asked > wait_s else ""
        if job.attempt >= ATTEMPTS:
            why = f"{code}: refused {job.attempt} times, waiting up to {wait_s:g} s{capped} between attempts"
            return CrawledPage(replace(snapshot, reason=why))
        if not self.budget.allows(wait_s):
            why = f"{code}: not asked again, the {wait_s:g} s wait{capped} ends past the time budget"
            return CrawledPage(replace(snapshot, reason=why))
        why = f"{code}: the time budget ran out while waiting {wait_s:g} s{capped} to ask again"
        return _Again(job, wait_s, CrawledPage(replace(snapshot, reason=why)))

    def _render_reason(self, snapshot: PageSnapshot, parsed: ParsedPage) -> str:
        if self.settings.render is RenderMode.NEVER:
            return ""
        if self.settings.render is RenderMode.ALWAYS:
            return "render mode: always"
        if self.choose_render is not None and (reason := self.choose_render(snapshot)):
            return reason
        return needs_javascript(snapshot.html, parsed)

    @staticmethod
    def _unchanged(fetched: FetchResult, snapshot: PageSnapshot, previous: PreviousVisit) -> bool:
        if fetched.status_code == 304:
            return True
        return snapshot.ok and bool(snapshot.content_hash) and snapshot.content_hash == previous.content_hash

    def _carry(
        self, snapshot: PageSnapshot, previous: PreviousVisit, reason: str = "", *, requested: bool = True
    ) -> PageSnapshot:
        """An unchanged page: the previous visit's view of it, with this fetch's facts (none when
        the revisit policy chose not to request it: it keeps the time of the last request). Its
        links are those the store kept, when read (`_read_previous_links`); else none are needed."""
        old = previous.snapshot
        links = old.links if previous.links_read else self._links_read.pop(previous.visit_id, ())
        return replace(
            old,
            links=links,
            requested_url=snapshot.requested_url,
            depth=snapshot.depth,
            referrer=snapshot.referrer,
            via=snapshot.via,
            status=ScanStatus.NOT_MODIFIED,
            status_code=snapshot.status_code,
            reason=reason or f"unchanged since visit {previous.visit_id}",
            fetch_ms=snapshot.fetch_ms,
            render_ms=0.0,
            render_reason="unchanged: not rendered",
            headers=snapshot.headers or old.headers,
            content_hash=previous.content_hash,
            html="",
            dom=None,
            carried_from=previous.visit_id,
            confirmed_at=None if requested else previous.confirmed_at,
        )

    async def _assets_unchanged(self, previous: PreviousVisit) -> bool:
        stored = previous.snapshot.assets or {}
        now = await asyncio.gather(*(self._asset_hash(url) for url in stored))
        return all(a == b for a, b in zip(stored.values(), now, strict=True))

    async def _asset_hash(self, url: str) -> str:
        """sha256 of a stylesheet or script as served now (once per run, shared by every page that
        loads it); "http N" or "" when it cannot be read, so that a change either way is seen."""
        future = self._assets.get(url)
        if future is None:
            future = self._assets[url] = asyncio.ensure_future(self._read_asset(url))
        return await asyncio.shield(future)

    async def _read_asset(self, url: str) -> str:
        fetched = await self.fetcher.fetch(url)
        if fetched.status_code != 200:
            return f"http {fetched.status_code}" if fetched.status_code else ""
        return hashlib.sha256(fetched.body).hexdigest()

    async def _hash_assets(self, urls: Sequence[str]) -> dict[str, str]:
        """The page's own site's stylesheets and scripts with their hashes (others are the
        analytics and fonts of third parties, out of the crawl's reach)."""
        own = [url for url in urls if self.scope.hops_for(url, 0) == 0]
        return dict(zip(own, await asyncio.gather(*(self._asset_hash(url) for url in own)), strict=True))

    async def probe(self, url: str, depth: int = 0) -> PageSnapshot:
        """Fetch and parse one URL outside the frontier, never rendered: a detector's probe
        (running a search) goes through the same fetcher, robots and address guard."""
        base = PageSnapshot(requested_url=url, final_url=url, depth=depth, status=ScanStatus.OK, via="probe")
        if self.settings.respect_robots and not await self.robots.allowed(url):
            return replace(base, status=ScanStatus.ROBOTS_DENIED, reason="disallowed by robots.txt")
        fetched = await self.fetcher.fetch(url)
        snapshot = self._from_fetch(base, fetched)
        if snapshot.ok and snapshot.is_html:
            # In a thread: a probe runs after the crawl, when the parsing worker is gone.
            snapshot = self._with_parsed(
                snapshot, await asyncio.to_thread(parse_html, snapshot.html, snapshot.final_url)
            )
        elif snapshot.ok and _is_json(fetched.content_type):
            # A catalogue API's answer: the detector that asked reads the JSON as text.
            snapshot = replace(snapshot, text=fetched.text)
        return snapshot

    async def _render(
        self, snapshot: PageSnapshot, parsed: ParsedPage, served: ServedDocument, reason: str
    ) -> tuple[PageSnapshot, ParsedPage, dict[str, Sequence[Any]], dict[str, str]]:
        assert self.renderer is not None
        outcome = await self.renderer.render(snapshot.final_url, self.inspectors, served)
        snapshot = replace(
            snapshot,
            render_ms=outcome.render_ms,
            render_reason=reason,
            measurements=outcome.measurements,
            assets=await self._hash_assets(outcome.assets) if outcome.dom is not None else None,
        )
        if outcome.dom is None:
            status = ScanStatus.TIMEOUT if outcome.timed_out else ScanStatus.ERROR
            if outcome.blocked:  # the page navigated to an address the guard refuses: nothing of it is kept
                status = ScanStatus.BLOCKED_ADDRESS
            return replace(snapshot, status=status, reason=outcome.error), parsed, {}, {}
        rendered = await self.parser.parse(outcome.dom, outcome.final_url)
        # The served HTML's links too: a client router may show another view than the one served
        # (a Vue app's 404 view for /index.html has no links) and its links must not be lost.
        parsed = replace(rendered, links=merge_links(rendered.links, parsed.links))
        errors = dict(outcome.inspection_errors)
        if outcome.error and self.inspectors and not outcome.inspections:
            # The page was read but the browser failed before any inspector finished (a renderer that
            # crashed, say): say so, or the page would read as audited with nothing found.
            errors.setdefault("browser", outcome.error)
        return replace(snapshot, dom=outcome.dom), parsed, outcome.inspections, errors

    def _from_fetch(self, base: PageSnapshot, fetched: FetchResult) -> PageSnapshot:
        snapshot = replace(
            base,
            final_url=fetched.final_url,
            status=fetched.status,
            status_code=fetched.status_code,
            reason=fetched.reason,
            redirect_chain=fetched.redirect_chain,
            headers=fetched.headers,
            content_type=fetched.content_type,
            content_length=fetched.full_size or len(fetched.body),
            content_hash=fetched.full_sha256 or (hashlib.sha256(fetched.body).hexdigest() if fetched.body else ""),
            fetch_ms=fetched.elapsed_ms,
        )
        if fetched.status_code == 451:
            return replace(snapshot, status=ScanStatus.GEO_BLOCKED, reason="HTTP 451: unavailable for legal reasons")
        if fetched.content_type in HTML_TYPES and fetched.body:
            text = fetched.text
            if self._is_challenge(text, fetched):
                return replace(snapshot, status=ScanStatus.CAPTCHA, reason="a CAPTCHA or bot challenge was served")
            if snapshot.status is ScanStatus.OK and fetched.full_size:
                cut = f"markup cut at {len(fetched.body):,} of {fetched.full_size:,} bytes"
                snapshot = replace(snapshot, html=text[:MAX_HTML_CHARS], reason=cut)
            elif snapshot.status is ScanStatus.OK and len(text) > MAX_HTML_CHARS:
                # Only what is parsed is kept: eight 10 MB pages in flight held 10 MB of text each.
                cut = f"markup cut at {MAX_HTML_CHARS:,} of {len(text):,} characters"
                snapshot = replace(snapshot, html=text[:MAX_HTML_CHARS], reason=cut)
            elif snapshot.status is ScanStatus.OK:
                snapshot = replace(snapshot, html=text)
        return snapshot

    def _is_challenge(self, text: str, fetched: FetchResult) -> bool:
        head = text[:20000]
        return any(marker in head for marker in self._markers) and (
            (fetched.status_code or 200) >= 400 or len(text) < 20000
        )

    @staticmethod
    def _with_parsed(snapshot: PageSnapshot, parsed: ParsedPage) -> PageSnapshot:
        status, reason = snapshot.status, snapshot.reason
        has_password = any("password" in form.field_types for form in parsed.forms)
        if status is ScanStatus.OK and has_password and snapshot.redirect_chain:
            status, reason = ScanStatus.LOGIN_WALL, "redirected to a sign-in form"
        elif status is ScanStatus.OK and parsed.cut:  # read in part: the page says what was left out
            reason = "; ".join(part for part in (reason, parsed.cut) if part)
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
