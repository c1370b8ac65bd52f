"""The revisit policy: when a page the last run saw is carried forward without any request."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.addresses import AddressGuard
from crawler.crawl import Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher
from crawler.frontier import FrontierEntry, MemoryFrontier
from crawler.incremental import PreviousVisit, RevisitPolicy, Revisits, lastmod_bound, parse_duration
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from crawler.snapshot import Link, PageSnapshot, ScanStatus
from crawler.urls import url_key
from tests.localserver import LocalServer, Response, page

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("2026-11-20T08:30:00+02:00", datetime(2026, 11, 20, 6, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00Z", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T08:30Z", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00.5+00:00", datetime(2026, 11, 20, 8, 30, 0, 500000, tzinfo=UTC)),
        # A date alone: its last instant anywhere on Earth (UTC-12).
        ("2026-11-20", datetime(2026, 11, 21, 12, 0, tzinfo=UTC)),
        # A time without a zone: the zone that makes it latest.
        ("2026-11-20T08:30:00", datetime(2026, 11, 20, 20, 30, tzinfo=UTC)),
        ("2026-11", None),
        ("2026", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_lastmod_bound(text: str, bound: datetime | None) -> None:
    assert lastmod_bound(text) == bound


def test_parse_duration() -> None:
    assert parse_duration("90") == timedelta(seconds=90)
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("12h") == timedelta(hours=12)
    assert parse_duration("1.5d") == timedelta(hours=36)
    assert parse_duration("2w") == timedelta(days=14)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def visit(confirmed: datetime | None, visit_id: int = 7) -> PreviousVisit:
    snapshot = PageSnapshot("https://gov.example/a", "https://gov.example/a", 1, ScanStatus.OK, title="A")
    return PreviousVisit(visit_id, "hash", '"e"', "", snapshot, confirmed_at=confirmed)


def seen_before(
    url: str, visit_id: int, content_hash: str, confirmed: datetime, *, links_read: bool = True
) -> PreviousVisit:
    """The last run's visit of a depth-1 page at `url`, without validators."""
    snapshot = PageSnapshot(url, url, 1, ScanStatus.OK)
    return PreviousVisit(visit_id, content_hash, "", "", snapshot, confirmed_at=confirmed, links_read=links_read)


def test_sitemap_lastmod_before_the_last_request_skips_it() -> None:
    revisits = Revisits(RevisitPolicy())
    revisits.lastmod["k"] = "2026-11-01"
    decision = revisits.decide("k", visit(NOW - timedelta(days=1)), NOW)
    assert decision.sitemap_unchanged
    assert decision.skip.startswith("unchanged since visit 7: sitemap lastmod 2026-11-01 is before its last request")
    assert revisits.stats() == {"not_requested": {"sitemap_lastmod": 1}}


@pytest.mark.parametrize(
    "lastmod",
    [
        "2026-11-23T12:30:00+00:00",  # after the last request: changed
        "2026-11-23T11:30:00+00:00",  # before it, but inside the clock skew margin (1 h)
        "2026-11-23",  # a date that may end after the last request
        "2026-11",  # too vague
    ],
)
def test_lastmod_that_does_not_vouch_means_a_request(lastmod: str) -> None:
    revisits = Revisits(RevisitPolicy())
    revisits.lastmod["k"] = lastmod
    assert revisits.decide("k", visit(NOW - timedelta(days=1)), NOW).skip == ""


def test_no_lastmod_or_no_known_request_time_means_a_request() -> None:
    revisits = Revisits(RevisitPolicy())
    assert revisits.decide("k", visit(NOW - timedelta(days=1)), NOW).skip == ""
    revisits.lastmod["k"] = "2020-01-01"
    assert revisits.decide("k", visit(None), NOW).skip == ""


def test_sitemap_trust_ends_within_its_max_age_staggered_per_url() -> None:
    revisits = Revisits(RevisitPolicy(sitemap_max_age=timedelta(days=14)))
    keys = [f"https://gov.example/p{i}" for i in range(200)]
    for key in keys:
        revisits.lastmod[key] = "2020-01-01"
    skipped_at = {
        days: sum(bool(revisits.decide(k, visit(NOW - timedelta(days=days)), NOW).skip) for k in keys)
        for days in (1, 6.9, 10, 14)
    }
    # Every page is trusted for half the max age, none past it, and the expiries spread in between.
    assert skipped_at[1] == skipped_at[6.9] == 200
    assert 0 < skipped_at[10] < 200
    assert skipped_at[14] == 0


def test_off_and_contradicted_trust_mean_a_request() -> None:
    off = Revisits(RevisitPolicy(sitemap_lastmod=False))
    off.lastmod["k"] = "2020-01-01"
    assert off.decide("k", visit(NOW - timedelta(days=1)), NOW).skip == ""
    revisits = Revisits(RevisitPolicy())
    revisits.lastmod["k"] = "2020-01-01"
    revisits.contradicted("https://gov.example/changed")
    decision = revisits.decide("k", visit(NOW - timedelta(days=1)), NOW)
    assert decision.skip == "" and decision.sitemap_unchanged
    assert revisits.stats()["sitemap_lastmod_contradicted_by"] == "https://gov.example/changed"


def test_revisit_after_skips_recent_pages_whatever_the_sitemap() -> None:
    revisits = Revisits(RevisitPolicy(sitemap_lastmod=False, revisit_after=timedelta(hours=12)))
    assert "within --revisit-after 12:00:00" in revisits.decide("k", visit(NOW - timedelta(hours=2)), NOW).skip
    assert revisits.decide("k", visit(NOW - timedelta(hours=13)), NOW).skip == ""
    assert revisits.stats() == {"not_requested": {"revisit_after": 1}}


def test_a_changed_page_the_sitemap_vouched_for_withdraws_the_trust() -> None:
    """/p1 was last requested a month ago (past the max age), so it is asked although the sitemap
    calls it unchanged; it has changed, so /p2 and /p3, found after it, are asked too, though the
    sitemap vouches for them."""
    sitemap = "".join(f"<url><loc>/p{i}</loc><lastmod>2020-01-01</lastmod></url>" for i in (1, 2, 3))
    routes = {
        "/robots.txt": Response("User-agent: *\nSitemap: /sitemap.xml\n", headers={"Content-Type": "text/plain"}),
        "/sitemap.xml": Response(f"<urlset>{sitemap}</urlset>", headers={"Content-Type": "application/xml"}),
        "/": page("Home", '<a href="/p1">1</a>'),
        "/p1": page("P1", '<p>new text</p><a href="/p2">2</a> <a href="/p3">3</a>'),
        **{f"/p{i}": page(f"P{i}", "<p>new text</p>") for i in (2, 3)},
    }
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        site = SiteConfig(name="t", start_urls=(server.url("/"),), allow_private=True)
        recent = datetime.now(UTC) - timedelta(hours=2)
        confirmed = {1: recent - timedelta(days=30), 2: recent, 3: recent}
        previous = {
            url_key(server.url(f"/p{i}")): seen_before(server.url(f"/p{i}"), i, "old hash", confirmed[i])
            for i in (1, 2, 3)
        }

        async def go() -> tuple[list[PageSnapshot], Crawler]:
            guard = AddressGuard(allowed_hosts=site.scope_hosts, allow_private=True)
            async with Fetcher(guard) as fetcher:
                settings = CrawlSettings(concurrency=1, per_host=1, render=RenderMode.NEVER)
                crawler = Crawler(site, fetcher, RobotsCache(fetcher), None, (), settings, previous=previous)
                return [p.snapshot async for p in crawler.crawl()], crawler

        pages, crawler = asyncio.run(asyncio.wait_for(go(), 60))
        hits = dict(server.hits)
    assert hits["/p1"] == hits["/p2"] == hits["/p3"] == 1
    assert all(p.status is ScanStatus.OK for p in pages)
    assert crawler.revisits.stats() == {"not_requested": {}, "sitemap_lastmod_contradicted_by": server.url("/p1")}


def test_cli_refuses_a_bad_revisit_after(tmp_path: Path) -> None:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    proc = subprocess.run(
        [sys.executable, "-m", "govaudit", "crawl", "https://gov.example/", "--revisit-after", "soon"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2 and "not a duration" in proc.stdout + proc.stderr


class CountingFrontier(MemoryFrontier):
    """Counts the entries offered to it (new or not)."""

    offered = 0

    def add(self, entries: Sequence[FrontierEntry], limit: int | None = None) -> int:
        self.offered += len(entries)
        return super().add(entries, limit)


def recrawl_with_stored_links(
    max_pages: int, frontier: MemoryFrontier | None = None
) -> tuple[list[PageSnapshot], list[list[int]], dict[str, int]]:
    """/ links to /p0 … /p29, each /pN to its ten children. The last run saw every /pN, which the
    sitemap vouches for, with its links left in the store: the crawl reads them through its
    `LinksReader`. Returns the pages, the reader's calls and the server's hits."""
    sections = range(30)
    sitemap = "".join(f"<url><loc>/p{i}</loc><lastmod>2020-01-01</lastmod></url>" for i in sections)
    children = {f"/p{i}-c{j}": page(f"P{i} C{j}", "<p>child</p>") for i in sections for j in range(10)}
    routes = {
        "/robots.txt": Response("User-agent: *\nSitemap: /sitemap.xml\n", headers={"Content-Type": "text/plain"}),
        "/sitemap.xml": Response(f"<urlset>{sitemap}</urlset>", headers={"Content-Type": "application/xml"}),
        "/": page("Home", " ".join(f'<a href="/p{i}">{i}</a>' for i in sections)),
        **children,
    }
    calls: list[list[int]] = []
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        site = SiteConfig(name="t", start_urls=(server.url("/"),), max_pages=max_pages, allow_private=True)
        stored = {i: tuple(Link(server.url(f"/p{i}-c{j}"), f"c{j}") for j in range(10)) for i in sections}
        previous = {
            url_key(server.url(f"/p{i}")): seen_before(
                server.url(f"/p{i}"), i, "hash", datetime.now(UTC) - timedelta(hours=1), links_read=False
            )
            for i in sections
        }

        def read_links(ids: Sequence[int]) -> dict[int, tuple[Link, ...]]:
            calls.append(sorted(ids))
            return {i: stored[i] for i in ids}

        async def go() -> list[PageSnapshot]:
            guard = AddressGuard(allowed_hosts=site.scope_hosts, allow_private=True)
            async with Fetcher(guard) as fetcher:
                settings = CrawlSettings(concurrency=1, per_host=1, render=RenderMode.NEVER)
                crawler = Crawler(
                    site,
                    fetcher,
                    RobotsCache(fetcher),
                    None,
                    (),
                    settings,
                    frontier=frontier,
                    previous=previous,
                    previous_links=read_links,
                )
                return [p.snapshot async for p in crawler.crawl()]

        pages = asyncio.run(asyncio.wait_for(go(), 60))
        return pages, calls, dict(server.hits)


def test_stored_links_of_carried_pages_feed_discovery_while_the_budget_lasts() -> None:
    pages, calls, hits = recrawl_with_stored_links(max_pages=40)
    # The home page's 30 links leave room for 9 pages: the carried pages' links are read, in one
    # call, and the first carried page's children fill the budget.
    assert calls == [list(range(30))]
    assert len(pages) == 40 and not any(f"/p{i}" in hits for i in range(30))
    paths = {p.requested_url.split("/", 3)[3] for p in pages}
    assert {f"p0-c{j}" for j in range(9)} <= paths and sum("-c" in p for p in paths) == 9
    assert sum(p.status is ScanStatus.NOT_MODIFIED and p.status_code is None for p in pages) == 30


def test_no_stored_links_are_read_once_the_budget_is_spent() -> None:
    pages, calls, _ = recrawl_with_stored_links(max_pages=31)
    assert len(pages) == 31 and calls == []


def test_discovery_stops_in_a_claimed_batch_once_the_budget_is_spent() -> None:
    """The 30 carried pages are settled in one claimed batch: the first one's links fill the
    budget, and the 29 after it offer the frontier nothing (not 290 links it would refuse)."""
    frontier = CountingFrontier()
    pages, _, _ = recrawl_with_stored_links(max_pages=40, frontier=frontier)
    assert len(pages) == 40 and frontier.offered == 1 + 30 + 10  # start URL, home's links, /p0's links
