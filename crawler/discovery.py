"""Discovery, the last step of a page: the links it adds to the frontier (within the click depth,
the scope and the page budget), and the pages only the sitemaps name."""

from __future__ import annotations

from crawler.fetch import Fetcher
from crawler.frontier import Frontier, FrontierEntry
from crawler.robots import RobotsCache
from crawler.scope import Scope, strip_session
from crawler.site import SiteConfig
from crawler.sitemaps import SitemapEntry, read_sitemaps
from crawler.snapshot import PageSnapshot
from crawler.urls import absolutize, origin_of


class Discovery:
    def __init__(self, site: SiteConfig, scope: Scope, frontier: Frontier) -> None:
        self.site = site
        self.scope = scope
        self.frontier = frontier
        self._found: list[FrontierEntry] = []  # links found since the last write to the frontier

    def room(self) -> int:
        """How many more pages the page budget lets the frontier take."""
        return self.site.max_pages - self.frontier.known()

    def discovers(self, entry: FrontierEntry) -> bool:
        """Whether the page's links may still add to the frontier (its depth and the page budget)."""
        return entry.depth < self.site.max_depth and self.room() > 0

    def discover(self, snapshot: PageSnapshot, entry: FrontierEntry) -> None:
        """Collect the page's links to follow; `flush` writes them to the frontier, at the latest
        before the page is handed on, and at once when they may fill the page budget: the pages
        settled after it in the same claimed batch then know it is spent, and discover nothing
        (on a recrawl, a batch would otherwise scan a few hundred carried pages' links)."""
        if not snapshot.links or not self.discovers(entry):
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
        if len(self._found) >= self.room():
            self.flush()

    def discover_fetched(self, snapshot: PageSnapshot, entry: FrontierEntry) -> None:
        """A fetched page's links, when the page it ended on (after redirects) is in scope."""
        if self.scope.hops_for(snapshot.final_url, entry.hops) is not None:
            self.discover(snapshot, entry)

    def flush(self) -> None:
        """The links collected since the last flush, in one write, within the page budget."""
        if not self._found:
            return
        room = self.room()
        if room > 0:
            self.frontier.add(self._found, limit=room)
        self._found.clear()

    def add_sitemap_pages(self, entries: list[SitemapEntry]) -> None:
        """Pages only the sitemaps name come after every page reachable by links; their depth is
        one past the limit, since no click path within it leads there."""
        depth = self.site.max_depth + 1
        pages = [
            FrontierEntry(strip_session(e.url), depth, via="sitemap")
            for e in entries
            if self.scope.hops_for(e.url, 0) == 0 and self.site.follows(e.url)
        ]
        self.frontier.add(pages, limit=self.room())


class Sitemaps:
    """The sitemaps the start URLs' robots.txt declare (else /sitemap.xml), read once."""

    def __init__(self, site: SiteConfig, robots: RobotsCache, fetcher: Fetcher) -> None:
        self.site = site
        self.robots = robots
        self.fetcher = fetcher
        self._entries: list[SitemapEntry] | None = None

    async def entries(self) -> list[SitemapEntry]:
        if self._entries is None:
            roots = []
            for url in self.site.start_urls:
                rules = await self.robots.rules_for(url)
                declared = [absolutize(s, origin_of(url) + "/") for s in rules.sitemaps()]
                roots += [s for s in declared if s] or [origin_of(url) + "/sitemap.xml"]
            self._entries = await read_sitemaps(self.fetcher, roots, max_urls=10 * self.site.max_pages)
        return self._entries
