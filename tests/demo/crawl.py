"""A small static crawler (httpx + selectolax) used by the demo tests: no JavaScript, no forms."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser


@dataclass(slots=True)
class Fetched:
    path: str
    status: int
    content_type: str
    headers: httpx.Headers
    text: str
    referrers: set[str] = field(default_factory=set)

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html") and self.status == 200

    def tree(self) -> LexborHTMLParser:
        return LexborHTMLParser(self.text)


def internal_links(base_url: str, page_path: str, html: str) -> list[str]:
    """Root-relative paths (with query) of the same-origin links and hreflang alternates of a page."""
    tree = LexborHTMLParser(html)
    hrefs = [a.attributes.get("href") for a in tree.css("a[href]")]
    hrefs += [link.attributes.get("href") for link in tree.css("link[rel=alternate][href]")]
    origin = urlsplit(base_url)
    out: list[str] = []
    for href in hrefs:
        if not href or href.startswith(("mailto:", "tel:", "#", "javascript:")):
            continue
        url = urlsplit(urljoin(base_url + page_path, href))
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            continue
        out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


def crawl(base_url: str, start: str = "/", limit: int = 500) -> dict[str, Fetched]:
    """Breadth-first crawl of everything reachable from ``start`` by links; redirects are followed."""
    seen: dict[str, Fetched] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=10) as client:
        while queue and len(seen) < limit:
            path, referrer = queue.popleft()
            if path in seen:
                seen[path].referrers.add(referrer)
                continue
            response = client.get(path)
            fetched = Fetched(
                path=path,
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                headers=response.headers,
                text=response.text,
                referrers={referrer},
            )
            seen[path] = fetched
            if response.is_redirect:
                location = urlsplit(urljoin(base_url + path, response.headers["location"]))
                queue.append((location.path + (f"?{location.query}" if location.query else ""), path))
            elif fetched.is_html:
                for link in internal_links(base_url, path, response.text):
                    queue.append((link, path))
    return seen
