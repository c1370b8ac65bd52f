"""Caps, each with the reason recorded: robots.txt read to 500 KiB (as Google does), a page's markup
and its links; parsing off the event loop, so one huge page does not stall the others.

Issue 15, item 4: a 10 MB robots.txt was read whole (689 MB peak); one 9.9 MB page with 400k links
took 452 MB and 23.6 s of CPU, eight at once 1.12 GB, and one of them was recorded as `timeout`
though the server had answered at once (parsing blocked the event loop). Peak memory is measured by
bench/hostile_memory.py (figures in bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import time
from functools import cache
from pathlib import Path

from crawler.addresses import AddressGuard
from crawler.crawl import CrawledPage, Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.parse import MAX_HTML_CHARS, MAX_LINKS
from crawler.robots import MAX_ROBOTS_BYTES, RobotsCache
from crawler.site import SiteConfig
from tests.hostile.server import fixed, html
from tests.hostile.sites import HostileSite, govaudit

FINE = [f"/fine{i}" for i in range(12)]
HUGE = [f"/huge{i}" for i in range(3)]


@cache
def robots_10mb() -> bytes:
    head = b"User-agent: *\nDisallow: /private\n"
    filler = b"# " + b"x" * 97 + b"\n"
    body = head + filler * (10 * 1024**2 // len(filler))
    return body + b"Disallow: /late\n"  # past 500 KiB: never read


@cache
def huge_page() -> bytes:
    """3 MB of markup with 100,000 links: past both caps."""
    links = "".join(f'<a href="/many/{i}">Link number {i}</a>\n' for i in range(100_000))
    return html("Huge", links).encode()


def test_robots_txt_is_read_to_500_kib_and_the_cut_is_reported(tmp_path: Path) -> None:
    page = fixed(html("Page", "<p>A page with words enough to read.</p>"))
    routes = {
        "/": fixed(html("Home", '<a href="/private">p</a> <a href="/late">l</a> <a href="/open">o</a>')),
        "/robots.txt": fixed(robots_10mb(), content_type="text/plain"),
        "/private": page,
        "/late": page,
        "/open": page,
    }
    with HostileSite(routes) as server:  # type: ignore[arg-type]
        run = govaudit("crawl", server.url("/"), "--json", "--quiet", tmp_path=tmp_path, timeout_s=120)
    assert "Traceback" not in run.stderr and run.code == 0, run.stderr[-3000:]
    _, status, stats, _ = run.run()
    pages = run.pages()
    assert status == "completed"
    assert pages["/private"][0] == "robots_denied"  # the first lines were read
    assert pages["/late"][0] == "ok" and pages["/open"][0] == "ok"  # the rule past 500 KiB was not
    (note,) = stats["robots"].values()
    assert f"first {MAX_ROBOTS_BYTES:,} bytes" in note


def test_huge_pages_are_parsed_in_part_off_the_event_loop() -> None:
    fine = fixed(html("Fine", "<p>This page answers at once.</p>"))
    links = "".join(f'<a href="{path}">{path}</a> ' for path in (*HUGE, *FINE))
    routes = {
        "/": fixed(html("Home", links)),
        "/robots.txt": fixed("User-agent: *\nAllow: /\n", content_type="text/plain"),
        **{path: fixed(huge_page()) for path in HUGE},
        **{path: fine for path in FINE},
    }
    site = SiteConfig(name="huge", start_urls=("",), max_pages=1 + len(HUGE) + len(FINE), max_depth=1)

    async def go(base: str) -> list[CrawledPage]:
        nonlocal site
        site = SiteConfig(name="huge", start_urls=(base + "/",), max_pages=site.max_pages, max_depth=1)
        # A fetch that waits more than 20 s for a server that answers at once would be a stalled loop.
        settings = FetchSettings(timeout_s=20.0, deadline_s=30.0)
        async with Fetcher(AddressGuard(allowed_hosts=site.scope_hosts), settings) as fetcher:
            crawler = Crawler(
                site,
                fetcher,
                RobotsCache(fetcher),
                settings=CrawlSettings(concurrency=8, per_host=8, render=RenderMode.NEVER),
            )
            return [page async for page in crawler.crawl()]

    with HostileSite(routes) as server:  # type: ignore[arg-type]
        started = time.monotonic()
        pages = {
            p.snapshot.requested_url.removeprefix(server.base_url): p.snapshot for p in asyncio.run(go(server.base_url))
        }
        seconds = time.monotonic() - started
    assert set(pages) == {"/", *HUGE, *FINE}
    assert all(pages[path].status == "ok" for path in FINE), {p: pages[p].reason for p in FINE}
    for path in HUGE:
        snapshot = pages[path]
        assert snapshot.status == "ok", snapshot.reason
        assert f"markup cut at {MAX_HTML_CHARS:,} of" in snapshot.reason
        assert f"the first {MAX_LINKS:,} kept" in snapshot.reason
        assert len(snapshot.links) == MAX_LINKS
    print(f"\n{len(pages)} pages, {len(HUGE)} of them 3 MB with 100,000 links, in {seconds:.1f} s")
