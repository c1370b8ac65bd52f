"""Back-off, per-host limits, traps, sessions and private addresses, without a browser."""

from __future__ import annotations

import asyncio
import threading
import time

from crawler.addresses import AddressGuard
from crawler.crawl import CrawledPage, Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher
from crawler.politeness import retry_after_seconds
from crawler.robots import RobotsCache
from crawler.scope import Scope, is_official, strip_session
from crawler.site import SiteConfig
from crawler.snapshot import ScanStatus
from tests.localserver import LocalServer, Response, page


def crawl(server: LocalServer, start: str = "/", max_depth: int = 6, **settings: object) -> dict[str, CrawledPage]:
    site = SiteConfig(name="t", start_urls=(server.url(start),), max_pages=400, max_depth=max_depth)
    guard = AddressGuard(allowed_hosts=site.scope_hosts)

    async def go() -> list[CrawledPage]:
        async with Fetcher(guard) as fetcher:
            crawler = Crawler(
                site, fetcher, RobotsCache(fetcher), None, (), CrawlSettings(render=RenderMode.NEVER, **settings)
            )  # type: ignore[arg-type]
            return [p async for p in crawler.crawl()]

    return {p.snapshot.requested_url.removeprefix(server.base_url): p for p in asyncio.run(go())}


def test_retry_after_is_honoured_then_the_page_is_fetched() -> None:
    calls: list[float] = []

    def busy(handler: object) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("busy", status=503, headers={"Retry-After": "1", "Content-Type": "text/plain"})
        return page("Fine", "<p>ok</p>")

    with LocalServer({"/": busy}) as server:
        pages = crawl(server)
    assert pages["/"].snapshot.status is ScanStatus.OK
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_persistent_429_ends_as_an_http_error_after_a_few_tries() -> None:
    with LocalServer({"/": Response("slow down", status=429, headers={"Retry-After": "0"})}) as server:
        pages = crawl(server)
        assert server.hits["/"] == 3
    assert pages["/"].snapshot.status is ScanStatus.HTTP_ERROR and pages["/"].snapshot.status_code == 429


def test_retry_after_as_a_date() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_per_host_concurrency_is_capped() -> None:
    active, peak = 0, 0
    lock = threading.Lock()

    def slow(handler: object) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return page("P", "")

    links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(12))
    routes: dict[str, object] = {"/": page("Home", links), **{f"/p{i}": slow for i in range(12)}}
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        crawl(server, concurrency=8, per_host=2)
    assert peak == 2


def test_infinite_calendar_is_cut_and_recorded_once_as_a_trap() -> None:
    def month(handler) -> Response:  # type: ignore[no-untyped-def]
        n = int(handler.path.split("=")[1])
        return page(f"Month {n}", f'<a href="/calendar?month={n + 1}">next month</a>')

    routes: dict[str, object] = {"/": page("Home", '<a href="/calendar?month=1">Calendar</a>'), "/calendar": month}
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        pages = crawl(server, max_depth=1000)
    traps = [p for p in pages.values() if p.snapshot.status is ScanStatus.TRAP]
    assert len(traps) == 1 and "calendar" in traps[0].snapshot.reason
    assert 40 <= len(pages) <= 60


def test_numbered_articles_are_not_mistaken_for_a_calendar() -> None:
    """Only a year with a month is date-like: 60 articles numbered 20100.. are pages, not a trap,
    while 60 months of one archive are cut at 50."""
    scope = Scope(frozenset({"gov.example"}))
    articles = [scope.trap_reason(f"https://gov.example/news/page-{20100 + n}.html") for n in range(60)]
    months = [scope.trap_reason(f"https://gov.example/archive/{2020 + n // 12}/{n % 12 + 1}") for n in range(60)]
    assert articles == [""] * 60
    assert months[:50] == [""] * 50 and all("calendar" in reason for reason in months[50:])


def test_session_ids_do_not_make_new_pages() -> None:
    assert strip_session("https://gov.example/a;jsessionid=XYZ?x=1&PHPSESSID=abc&sid=9") == "https://gov.example/a?x=1"
    routes = {
        "/": page("Home", '<a href="/a?sid=1">a</a><a href="/a?sid=2">a</a><a href="/a;jsessionid=3">a</a>'),
        "/a": page("A", ""),
    }
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        pages = crawl(server)
        assert server.hits.get("/a") == 1
    assert len(pages) == 2


def test_a_link_into_a_non_allowed_private_address_sends_nothing() -> None:
    with LocalServer({"/secret": page("Secret", "")}) as private:
        target = private.url("/secret").replace("127.0.0.1", "localhost")
        with LocalServer({"/": page("Home", f'<a href="{target}">internal</a>')}) as server:
            site = SiteConfig(name="t", start_urls=(server.url("/"),), domains=("127.0.0.1", "localhost"))
            guard = AddressGuard(allowed_hosts=frozenset({"127.0.0.1"}))

            async def go() -> list[CrawledPage]:
                async with Fetcher(guard) as fetcher:
                    crawler = Crawler(
                        site, fetcher, RobotsCache(fetcher), None, (), CrawlSettings(render=RenderMode.NEVER)
                    )
                    return [p async for p in crawler.crawl()]

            pages = asyncio.run(go())
        assert private.hits == {}
    blocked = [p.snapshot for p in pages if p.snapshot.requested_url.startswith("http://localhost")]
    assert blocked and blocked[0].status is ScanStatus.BLOCKED_ADDRESS


def test_official_domains_by_pattern_and_registry() -> None:
    assert is_official("www.health.gov.za") and is_official("portal.gouv.sn") and is_official("gob.mx") is False
    assert is_official("www.gob.mx")
    assert is_official("www.service-public.fr", "FRA") and not is_official("www.service-public.fr", "BEL")
    assert not is_official("gov.example.com")


def test_time_budget_stops_claiming_and_leaves_the_rest_queued() -> None:
    def slow(handler: object) -> Response:
        time.sleep(0.2)
        return page("Slow", "")

    links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(40))
    routes: dict[str, object] = {"/": page("Home", links), **{f"/p{i}": slow for i in range(40)}}
    started = time.monotonic()
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        pages = crawl(server, time_budget_s=1.0)
    assert time.monotonic() - started < 5
    assert 2 <= len(pages) < 20


def test_a_probe_keeps_a_json_answer_as_text() -> None:
    body = '{"success": true, "result": {"count": 3}}'
    routes = {
        "/": page("Home", ""),
        "/api/3/action/package_search": Response(body, headers={"Content-Type": "application/json"}),
    }
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        site = SiteConfig(name="t", start_urls=(server.url("/"),))
        guard = AddressGuard(allowed_hosts=site.scope_hosts)

        async def go() -> str:
            async with Fetcher(guard) as fetcher:
                crawler = Crawler(site, fetcher, RobotsCache(fetcher), None, (), CrawlSettings(render=RenderMode.NEVER))
                return (await crawler.probe(server.url("/api/3/action/package_search"))).text

        assert asyncio.run(go()) == body
