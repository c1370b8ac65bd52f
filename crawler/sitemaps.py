"""XML sitemaps: robots-declared and /sitemap.xml, indexes followed, gzip read with a size cap."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from crawler.fetch import Fetcher
from crawler.urls import absolutize

MAX_FILES = 50
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sitemaps protocol's own limit per file
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: str = ""


def _gunzip(data: bytes) -> bytes:
    """Decompress, refusing to grow past the protocol's limit (a gzip bomb stops here)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, MAX_UNCOMPRESSED)
    if inflater.unconsumed_tail:
        raise ValueError(f"sitemap larger than {MAX_UNCOMPRESSED} bytes uncompressed")
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(data: bytes, base_url: str) -> tuple[list[SitemapEntry], list[str]]:
    """(page entries, child sitemap URLs) of one sitemap or sitemap index file."""
    if data[:2] == _GZIP_MAGIC:
        data = _gunzip(data)
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException):
        return [], []
    pages: list[SitemapEntry] = []
    children: list[str] = []
    for item in root:
        fields = {_local(child.tag): (child.text or "").strip() for child in item}
        url = absolutize(fields.get("loc", ""), base_url)
        if url is None:
            continue
        if _local(root.tag) == "sitemapindex":
            children.append(url)
        else:
            pages.append(SitemapEntry(url, fields.get("lastmod", "")))
    return pages, children


async def read_sitemaps(fetcher: Fetcher, roots: list[str], max_urls: int) -> list[SitemapEntry]:
    """Entries of the sitemaps at `roots` and the indexes they name, breadth first, bounded."""
    queue = list(dict.fromkeys(roots))
    seen: set[str] = set()
    entries: list[SitemapEntry] = []
    while queue and len(seen) < MAX_FILES and len(entries) < max_urls:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result = await fetcher.fetch(url)
        if not result.body or (result.status_code or 500) >= 400:
            continue
        try:
            pages, children = parse_sitemap(result.body, result.final_url)
        except (ValueError, zlib.error):
            continue
        entries += pages
        queue += children
    return entries[:max_urls]
