"""A recrawl trusts the sitemap's lastmod: pages it calls unchanged get no request, on both backends.

The site is served on 127.0.0.1 and the crawl allows that address explicitly (`allow_private`).
Requests are counted on the server, so "not requested" means the server never saw one.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import null, update

from crawler.incremental import CONDITIONAL_ONLY, RevisitPolicy
from crawler.site import SiteConfig
from crawler.urls import url_key
from govaudit.pipeline import RunOutcome, crawl_site
from govaudit.settings import Settings
from storage import Store, models
from tests.localserver import LocalServer, Response, page

OLD = "2020-01-01"  # before any crawl of the test: the sitemap says "unchanged since"


class Site:
    """/ links to /a, /b, /c and /d; /a alone links to /a-child. The sitemap names every page
    but /d, each with a lastmod; /d answers 304 to its ETag. `change_c()` edits /c and its lastmod."""

    def __init__(self) -> None:
        self.c_version = 1
        self.c_lastmod = OLD

    def sitemap(self, handler: object) -> Response:
        entries = {"/": OLD, "/a": OLD, "/a-child": OLD, "/b": OLD, "/c": self.c_lastmod}
        urls = "".join(f"<url><loc>{path}</loc><lastmod>{mod}</lastmod></url>" for path, mod in entries.items())
        body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        return Response(body, headers={"Content-Type": "application/xml"})

    def c(self, handler: object) -> Response:
        return page(f"C v{self.c_version}", f"<p>version {self.c_version}</p>")

    @staticmethod
    def d(handler) -> Response:  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"d1"':
            return Response(b"", status=304, headers={"ETag": '"d1"'})
        return Response(
            page("D", "<p>not in the sitemap</p>").body, headers={"Content-Type": "text/html", "ETag": '"d1"'}
        )

    def change_c(self) -> None:
        self.c_version += 1
        self.c_lastmod = datetime.now(UTC).isoformat(timespec="seconds")

    def routes(self) -> dict[str, object]:
        return {
            "/robots.txt": Response("User-agent: *\nSitemap: /sitemap.xml\n", headers={"Content-Type": "text/plain"}),
            "/sitemap.xml": self.sitemap,
            "/": page("Home", '<a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a> <a href="/d">D</a>'),
            "/a": page("A", '<a href="/a-child">only linked from A</a>'),
            "/a-child": page("A child", "<p>reached through A</p>"),
            "/b": page("B", "<p>b</p>"),
            "/c": self.c,
            "/d": self.d,
        }


def crawl(
    store: Store, server: LocalServer, revisit: RevisitPolicy | None = None
) -> dict[str, tuple[str, int | None, str]]:
    site = SiteConfig(name="revisit", start_urls=(server.url("/"),), max_pages=50, allow_private=True)
    outcome: RunOutcome = asyncio.run(asyncio.wait_for(crawl_site(site, store, Settings(), revisit=revisit), 60))
    return {
        p.requested_url.removeprefix(server.base_url): (str(p.status), p.status_code, p.reason) for p in outcome.pages
    }


PAGES = ("/", "/a", "/a-child", "/b", "/c", "/d")


def test_recrawl_requests_only_what_the_sitemap_does_not_vouch_for(store: Store) -> None:
    site = Site()
    with LocalServer(site.routes()) as server:  # type: ignore[arg-type]
        first = crawl(store, server)
        assert sorted(first) == sorted(PAGES) and {s for s, _, _ in first.values()} == {"ok"}
        site.change_c()
        server.hits.clear()
        second = crawl(store, server)
        hits = dict(server.hits)
    # Unchanged by the sitemap: no request at all, carried forward with the reason.
    for path in ("/a", "/a-child", "/b"):
        assert path not in hits, path
        status, code, reason = second[path]
        assert status == "not_modified" and code is None and "sitemap lastmod 2020-01-01" in reason
    # /a-child is linked only from /a: the carried page's stored links kept discovery going.
    assert "/a-child" in second
    # The start page is always asked (a dead site is noticed), here with a conditional GET.
    assert hits["/"] == 1 and second["/"][0] == "not_modified"
    # A newer lastmod: requested, and its new content recorded.
    assert hits["/c"] == 1 and second["/c"][:2] == ("ok", 200)
    # Not in the sitemap: the conditional GET it had before, answered 304.
    assert hits["/d"] == 1 and second["/d"][:2] == ("not_modified", 304)
    assert hits["/sitemap.xml"] == 1

    run_id = store.runs.latest_id("revisit")
    assert run_id is not None
    run = store.runs.load(run_id)
    assert run.stats["revisit"] == {"not_requested": {"sitemap_lastmod": 3}}
    # The carried visits stand for the first run's: the rules read the same page again.
    snapshots = {s.requested_url.removeprefix(server.base_url): s for s in store.visits.digests(run_id)}
    assert snapshots["/a"].carried_from is not None and snapshots["/a"].title == "A"
    assert snapshots["/c"].carried_from is None and snapshots["/c"].title == "C v2"


def test_the_last_request_time_is_kept_across_runs_without_requests(store: Store) -> None:
    site = Site()
    with LocalServer(site.routes()) as server:  # type: ignore[arg-type]
        crawl(store, server)
        first_run = store.runs.latest_id("revisit")
        crawl(store, server)
        server.hits.clear()
        third = crawl(store, server)
        hits = dict(server.hits)
    assert not {"/a", "/a-child", "/b", "/c"} & set(hits)
    assert third["/a"][0] == "not_modified"
    site_id = store.registry.ensure(SiteConfig(name="revisit", start_urls=(server.url("/"),)))
    previous = store.visits.previous(site_id)
    fetched = {v.requested_url: v.fetched_at for v in store.runs.load(first_run).visits}  # type: ignore[arg-type]
    # /a was last requested in the first run: two runs without a request did not make it younger.
    a = next(v for key, v in previous.items() if key.endswith("/a"))
    assert a.confirmed_at == fetched[server.url("/a")]
    # /d is asked every run (304): its last request is the latest run's.
    d = next(v for key, v in previous.items() if key.endswith("/d"))
    assert d.confirmed_at is not None and d.confirmed_at > fetched[server.url("/d")]


def test_conditional_only_policy_asks_every_known_page(store: Store) -> None:
    site = Site()
    with LocalServer(site.routes()) as server:  # type: ignore[arg-type]
        crawl(store, server)
        server.hits.clear()
        second = crawl(store, server, CONDITIONAL_ONLY)
        hits = dict(server.hits)
    assert all(hits.get(path) == 1 for path in PAGES)
    assert {s for s, _, _ in second.values()} == {"not_modified"}


def test_revisit_after_skips_recent_pages_without_a_sitemap(store: Store) -> None:
    site = Site()
    routes = site.routes()
    routes["/robots.txt"] = Response("User-agent: *\n", headers={"Content-Type": "text/plain"})
    del routes["/sitemap.xml"]
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        crawl(store, server)
        server.hits.clear()
        second = crawl(store, server, RevisitPolicy(revisit_after=timedelta(hours=1)))
        hits = dict(server.hits)
    assert set(hits) <= {"/robots.txt", "/sitemap.xml", "/"} and hits["/"] == 1
    assert second["/b"][0] == "not_modified" and "within --revisit-after 1:00:00" in second["/b"][2]


def test_previous_links_read_later_are_the_links_read_at_once(store: Store) -> None:
    """`previous_visits(links=False)` leaves each page's links in its digest; `visit_links` reads the
    same links afterwards, for carried visits too (the links of the visit they carry)."""
    site = Site()
    with LocalServer(site.routes()) as server:  # type: ignore[arg-type]
        crawl(store, server)
        crawl(store, server)  # every page carried but / and /d (conditional GET, 304) and /c (changed)
    site_id = store.registry.ensure(SiteConfig(name="revisit", start_urls=(server.url("/"),)))
    eager, lazy = store.visits.previous(site_id), store.visits.previous(site_id, links=False)
    assert sorted(eager) == sorted(lazy) and len(eager) == len(PAGES)
    assert all(v.links_read and not lazy[k].links_read and lazy[k].snapshot.links == () for k, v in eager.items())
    read = store.visits.links([v.visit_id for v in lazy.values()])
    assert {k: read[v.visit_id] for k, v in lazy.items()} == {k: v.snapshot.links for k, v in eager.items()}
    home = eager[url_key(server.url("/"))].snapshot.links
    assert {link.url.removeprefix(server.base_url) for link in home} == {"/a", "/b", "/c", "/d"}
    assert store.visits.links([]) == {}


def test_a_visit_without_a_digest_is_not_carried_forward(store: Store) -> None:
    """A visit recorded before digests were (SQL NULL) has nothing to carry: left out of the previous
    visits, read with or without their links, so the page is fetched as if new."""
    site = Site()
    with LocalServer(site.routes()) as server:  # type: ignore[arg-type]
        crawl(store, server)
    run_id = store.runs.latest_id("revisit")
    visit = next(v for v in store.runs.load(run_id).visits if v.requested_url == server.url("/b"))  # type: ignore[arg-type]
    with store.transaction() as session:
        session.execute(update(models.PageVisitRow).where(models.PageVisitRow.id == visit.id).values(digest=null()))
    site_id = store.registry.ensure(SiteConfig(name="revisit", start_urls=(server.url("/"),)))
    for links in (True, False):
        previous = store.visits.previous(site_id, links=links)
        assert len(previous) == len(PAGES) - 1 and not any(k.endswith("/b") for k in previous), links
    assert visit.id not in store.visits.links([visit.id])
