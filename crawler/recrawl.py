"""The revisit step of a recrawl: a page the last run saw is carried forward (its results reused)
without a request when the revisit policy allows it, or after one that shows it unchanged (a 304,
or the same content hash). Everything a recrawl keeps from the last run lives here: its visits,
the stored links read for them, the revisit decisions, and the hashes of stylesheets and scripts.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from crawler.fetch import Fetcher, FetchResult
from crawler.frontier import FrontierEntry
from crawler.incremental import LinksReader, PreviousVisit, RevisitPolicy, Revisits
from crawler.scope import Scope, strip_session
from crawler.sitemaps import SitemapEntry
from crawler.snapshot import Link, PageSnapshot, ScanStatus
from crawler.steps import Job
from crawler.urls import url_key


class AssetHashes:
    """Stylesheets and scripts, each fetched once per run and shared by every page that loads it:
    URL → sha256 of what it serves now, "http N" or "" when it cannot be read (so that a change
    either way is seen)."""

    def __init__(self, fetcher: Fetcher, scope: Scope) -> None:
        self.fetcher = fetcher
        self.scope = scope
        self._hashes: dict[str, asyncio.Future[str]] = {}

    async def hash(self, url: str) -> str:
        future = self._hashes.get(url)
        if future is None:
            future = self._hashes[url] = asyncio.ensure_future(self._read(url))
        return await asyncio.shield(future)

    async def _read(self, url: str) -> str:
        fetched = await self.fetcher.fetch(url)
        if fetched.status_code != 200:
            return f"http {fetched.status_code}" if fetched.status_code else ""
        return hashlib.sha256(fetched.body).hexdigest()

    async def unchanged(self, stored: Mapping[str, str]) -> bool:
        now = await asyncio.gather(*(self.hash(url) for url in stored))
        return all(a == b for a, b in zip(stored.values(), now, strict=True))

    async def of_own(self, urls: Sequence[str]) -> dict[str, str]:
        """The page's own site's stylesheets and scripts with their hashes (others are the
        analytics and fonts of third parties, out of the crawl's reach)."""
        own = [url for url in urls if self.scope.hops_for(url, 0) == 0]
        return dict(zip(own, await asyncio.gather(*(self.hash(url) for url in own)), strict=True))


class Recrawl:
    """The gate after robots.txt, and the check after the fetch, for pages the last run saw."""

    def __init__(
        self,
        previous: Mapping[str, PreviousVisit] | None,
        links_reader: LinksReader | None,
        policy: RevisitPolicy,
        assets: AssetHashes,
    ) -> None:
        self.previous = previous or {}
        self.links_reader = links_reader
        self._links: dict[int, tuple[Link, ...]] = {}  # by visit id, until the page is completed
        self.revisits = Revisits(policy)
        self.assets = assets
        self.assets_changed = 0  # pages not carried forward because a stylesheet or script changed

    def note_sitemaps(self, entries: Sequence[SitemapEntry]) -> None:
        """The sitemaps' <lastmod>, kept only for pages the last run saw: nothing else is asked of them."""
        for e in entries:
            if e.lastmod and (key := url_key(strip_session(e.url))) in self.previous:
                self.revisits.lastmod[key] = e.lastmod

    def read_links(self, entries: Sequence[FrontierEntry], discovers: Callable[[FrontierEntry], bool]) -> None:
        """The stored links of the claimed pages' previous visits, in one read, for the pages whose
        links discovery can still use: once the page budget is spent (the frontier only grows
        between two claims) a carried page's links are never read at all."""
        if self.links_reader is None or not self.previous:
            return
        wanted = [
            previous.visit_id
            for entry in entries
            if (previous := self.previous.get(entry.key)) is not None
            and not previous.links_read
            and entry.via != "trap"
            and discovers(entry)
        ]
        if wanted:
            self._links.update(self.links_reader(wanted))

    def release(self, entry: FrontierEntry) -> None:
        """The page is completed: the stored links read for it are not needed any more."""
        if self._links and (previous := self.previous.get(entry.key)) is not None:
            self._links.pop(previous.visit_id, None)

    async def settle(self, job: Job) -> Job | PageSnapshot:
        """Before the request: the page carried forward when the revisit policy says it need not be
        asked, else the job with the visit a conditional request may still carry forward."""
        previous = self.previous.get(job.entry.key)
        if previous is None:
            return job
        if previous.snapshot.assets and not await self.assets.unchanged(previous.snapshot.assets):
            # Same document, new stylesheet or script: what the audits find may differ. Fetched as new.
            self.assets_changed += 1
            return job
        if job.entry.via == "start":  # a start URL is always asked: is the site alive?
            return replace(job, previous=previous)
        decision = self.revisits.decide(job.entry.key, previous)
        if decision.skip:
            return self._carry(job.entry, previous, None, decision.skip)
        return replace(job, previous=previous, decision=decision)

    def after_fetch(self, job: Job, fetched: FetchResult, snapshot: PageSnapshot) -> PageSnapshot | None:
        """After the request: the page carried forward when the server showed it unchanged, else None."""
        previous = job.previous
        if previous is None:
            return None
        unchanged = fetched.status_code == 304 or (
            snapshot.ok and bool(snapshot.content_hash) and snapshot.content_hash == previous.content_hash
        )
        if unchanged:
            return self._carry(job.entry, previous, snapshot)
        if job.decision.sitemap_unchanged and snapshot.ok:
            self.revisits.contradicted(job.entry.url)
        return None

    def _carry(
        self, entry: FrontierEntry, previous: PreviousVisit, fetched: PageSnapshot | None, reason: str = ""
    ) -> PageSnapshot:
        """An unchanged page: the previous visit's view of it, with this fetch's facts (none when
        the revisit policy chose not to request it: it keeps the time of the last request). Its
        links are those the store kept, when read (`read_links`); else none are needed."""
        old = previous.snapshot
        links = old.links if previous.links_read else self._links.get(previous.visit_id, ())
        return replace(
            old,
            links=links,
            requested_url=entry.url,
            depth=entry.depth,
            referrer=entry.referrer,
            via=entry.via,
            status=ScanStatus.NOT_MODIFIED,
            status_code=fetched.status_code if fetched else None,
            reason=reason or f"unchanged since visit {previous.visit_id}",
            fetch_ms=fetched.fetch_ms if fetched else 0.0,
            render_ms=0.0,
            render_reason="unchanged: not rendered",
            headers=(fetched.headers if fetched else None) or old.headers,
            content_hash=previous.content_hash,
            html="",
            dom=None,
            carried_from=previous.visit_id,
            confirmed_at=None if fetched else previous.confirmed_at,
        )
