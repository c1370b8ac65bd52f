"""A fast, deterministic templated government site of N pages, generated on the fly.

    python bench/templated_server.py --pages 5000 [--port 0] [--version 1]

prints `READY http://127.0.0.1:PORT/` once it listens. Every page is ~20-40 KB of HTML with a
header, navigation, breadcrumbs, a main text, 20-50 links and a footer, like a ministry's page.
Page i links to its children (i*20+1 .. i*20+20), so every page is reached within a few clicks of
the home page, plus deterministic "related" links across the site. Pages carry an ETag and a
Last-Modified and answer 304 to a matching conditional GET (what an incremental recrawl uses);
`--version` changes every ETag and body (a site that changed). robots.txt declares /sitemap.xml, a
sitemap index of files of 10,000 URLs with a `<lastmod>` each, as a CMS generates them: version 1's
pages were last modified on a fixed date in 2023, a later version's when the server started (the
moment the site "changed"). `--no-sitemap` serves neither.

It is a raw asyncio protocol with keep-alive, in its own process: http.server's
ThreadingHTTPServer served ~600 pages/s here with one thread per connection, and a
crawler in the same process would share its GIL. Measure with `--selftest`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from email.utils import formatdate

FANOUT = 20
SECTIONS = (
    "services",
    "ministries",
    "open-data",
    "participation",
    "news",
    "publications",
    "laws",
    "contact",
    "about",
    "jobs",
)
TEXT = (
    "citizens can apply online for permits licences and certificates through the national portal "
    "the ministry publishes budget data consultations and statistics in open formats every quarter "
    "residents may submit feedback on draft regulations and take part in public consultations "
    "the agency provides assistance by telephone email and in person at regional service centres "
    "applications are processed within ten working days and applicants receive a reference number"
)
WORDS = tuple(TEXT.split())
FIRST_EDITION = 1_700_000_000  # 2023-11-14 22:13:20 UTC: when version 1 of every page was written
SITEMAP_FILE_URLS = 10_000  # URLs per sitemap file (the protocol allows 50,000)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _paragraph(seed: int, words: int) -> str:
    # A cheap deterministic word sequence: text that differs from page to page.
    n = len(WORDS)
    return " ".join(WORDS[(seed * 31 + k * 7 + (k * k) % 13) % n] for k in range(words))


# Paragraph pool built once: generating a 25 KB page per request must cost microseconds.
POOL = tuple(_paragraph(seed, 120) for seed in range(97))


class Site:
    def __init__(self, pages: int, version: int = 1, sitemap: bool = True) -> None:
        self.pages = pages
        self.version = version
        self.sitemap = sitemap
        # Every page changed together: version 1 long ago, a later one as the server started.
        modified = FIRST_EDITION if version == 1 else time.time()
        self.last_modified = formatdate(modified, usegmt=True)
        self.lastmod = datetime.fromtimestamp(int(modified), UTC).isoformat()
        self.sitemap_files = {
            f"/sitemap-{k}.xml": k for k in range((pages + SITEMAP_FILE_URLS - 1) // SITEMAP_FILE_URLS)
        }

    def url(self, i: int) -> str:
        return "/" if i == 0 else f"/{SECTIONS[i % len(SECTIONS)]}/page-{i}.html"

    def index(self, path: str) -> int | None:
        if path in ("/", "/index.html"):
            return 0
        name = path.rsplit("/", 1)[-1]
        if name.startswith("page-") and name.endswith(".html"):
            number = name[5:-5]
            if number.isdigit() and 0 < int(number) < self.pages and path == self.url(int(number)):
                return int(number)
        return None

    def etag(self, i: int) -> str:
        return f'"{i}-{self.version}"'

    def robots(self) -> bytes:
        return b"User-agent: *\nAllow: /\n" + (b"Sitemap: /sitemap.xml\n" if self.sitemap else b"")

    def sitemap_index(self) -> bytes:
        files = "".join(
            f"<sitemap><loc>{path}</loc><lastmod>{self.lastmod}</lastmod></sitemap>" for path in self.sitemap_files
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_NS}">{files}</sitemapindex>'.encode()
        )

    def sitemap_file(self, k: int) -> bytes:
        urls = "".join(
            f"<url><loc>{self.url(i)}</loc><lastmod>{self.lastmod}</lastmod></url>"
            for i in range(k * SITEMAP_FILE_URLS, min(self.pages, (k + 1) * SITEMAP_FILE_URLS))
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode()

    def render(self, i: int) -> bytes:
        n = self.pages
        children = [c for c in range(i * FANOUT + 1, i * FANOUT + FANOUT + 1) if c < n]
        related = [(i * 7919 + k * 104729) % n for k in range(1, 11)]
        parent = (i - 1) // FANOUT if i else 0
        section = SECTIONS[i % len(SECTIONS)]
        nav = "".join(
            f'<li><a href="{self.url(k)}">{SECTIONS[k % len(SECTIONS)].title()}</a></li>' for k in range(1, 11)
        )
        items = "".join(
            f'<li><a href="{self.url(c)}">{POOL[c % len(POOL)][:40].capitalize()}</a></li>' for c in children
        )
        see_also = "".join(f'<li><a href="{self.url(r)}">Related page {r}</a></li>' for r in related)
        body = "".join(f"<p>{POOL[(i + k) % len(POOL)]}.</p>" for k in range(24))
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Page {i} - {section.title()} - Government of Benchland</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/static/site.css"></head><body>'
            '<a class="skip" href="#main">Skip to content</a>'
            '<header><a href="/" class="logo">Government of Benchland</a>'
            '<form role="search" action="/search"><label for="q">Search</label><input id="q" name="q">'
            "<button>Search</button></form></header>"
            f'<nav aria-label="Main"><ul>{nav}</ul></nav>'
            f'<nav aria-label="Breadcrumb"><a href="/">Home</a> &gt; <a href="{self.url(parent)}">Up</a>'
            f" &gt; Page {i}</nav>"
            f'<main id="main"><h1>{section.title()}: page {i} (v{self.version})</h1>{body}'
            f"<h2>In this section</h2><ul>{items}</ul><h2>See also</h2><ul>{see_also}</ul></main>"
            f'<footer><a href="{self.url(8)}">Privacy</a> <a href="{self.url(7)}">Contact</a>'
            " <p>&copy; Government of Benchland</p></footer></body></html>"
        ).encode()


class HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; GET only; enough for crawlers, not a general server."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.respond(head)

    def respond(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        path = parts[1].split("?", 1)[0] if len(parts) > 1 else "/"
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        close = headers.get("connection", "").lower() == "close"
        status, extra, body = self.answer(path, headers)
        head_out = (
            f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}"
            f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
        )
        self.transport.write(head_out.encode() + body)
        if close:
            self.transport.close()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[str, str, bytes]:
        if path == "/robots.txt":
            return "200 OK", "Content-Type: text/plain\r\n", self.site.robots()
        if self.site.sitemap and path == "/sitemap.xml":
            return "200 OK", "Content-Type: application/xml\r\n", self.site.sitemap_index()
        if self.site.sitemap and path in self.site.sitemap_files:
            return "200 OK", "Content-Type: application/xml\r\n", self.site.sitemap_file(self.site.sitemap_files[path])
        i = self.site.index(path)
        if i is None:
            return "404 Not Found", "Content-Type: text/html\r\n", b"<!doctype html><title>Not found</title>"
        etag = self.site.etag(i)
        validators = f"ETag: {etag}\r\nLast-Modified: {self.site.last_modified}\r\n"
        if headers.get("if-none-match") == etag:
            return "304 Not Modified", validators, b""
        return "200 OK", f"Content-Type: text/html; charset=utf-8\r\n{validators}", self.site.render(i)


async def serve(pages: int, port: int, version: int, sitemap: bool) -> None:
    site = Site(pages, version, sitemap)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpProtocol(site), "127.0.0.1", port, backlog=1024)
    print(f"READY http://127.0.0.1:{server.sockets[0].getsockname()[1]}/", flush=True)
    async with server:
        await server.serve_forever()


def selftest(pages: int) -> None:
    """Time page generation alone (no network): the server's ceiling."""
    site = Site(pages)
    started = time.perf_counter()
    sizes = [len(site.render(i)) for i in range(min(pages, 5000))]
    seconds = time.perf_counter() - started
    links = site.render(1).count(b"<a href")
    print(
        f"{len(sizes)} pages generated in {seconds:.2f} s ({len(sizes) / seconds:,.0f} pages/s), "
        f"{min(sizes) // 1024}-{max(sizes) // 1024} KB, {links} links on page 1"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--version", type=int, default=1, help="change it to change every page")
    parser.add_argument("--no-sitemap", action="store_true", help="no sitemap, and none named in robots.txt")
    parser.add_argument("--selftest", action="store_true", help="time page generation and exit")
    args = parser.parse_args(argv)
    if args.selftest:
        selftest(args.pages)
        return
    try:
        asyncio.run(serve(args.pages, args.port, args.version, not args.no_sitemap))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
