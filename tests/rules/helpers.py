"""Build snapshots and site views by hand for detector tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields

from crawler.parse import parse_html
from crawler.site import SiteConfig
from crawler.snapshot import PageDigest, PageFetch, PageSnapshot, ScanStatus
from rules.lexicon import Lexicons
from rules.module import SiteView
from storage.digest import digest_fields, snapshot_digest

BASE = "https://gov.example"


def snap(path: str, html: str, depth: int = 1, **fields: object) -> PageSnapshot:
    url = BASE + path
    parsed = parse_html(html, url)
    values: dict[str, object] = {
        "requested_url": url,
        "final_url": url,
        "depth": depth,
        "status": ScanStatus.OK,
        "status_code": 200,
        "content_type": "text/html",
        "html": html,
        "title": parsed.title,
        "language": parsed.language or "en",
        "text": parsed.text,
        "links": parsed.links,
        "placeholder_links": parsed.placeholder_links,
        "forms": parsed.forms,
        "headings": parsed.headings,
        "headed_links": parsed.headed_links,
        "dated_blocks": parsed.dated_blocks,
        "meta": parsed.meta,
    }
    values.update(fields)
    return PageSnapshot(**values)  # type: ignore[arg-type]


def read_back(page: PageSnapshot) -> PageSnapshot:
    """`page` as a later run reads it: from its stored digest, served without its markup."""
    fetched = {f.name: getattr(page, f.name) for f in fields(PageFetch)}
    return PageDigest(**{**fetched, **digest_fields(snapshot_digest(page))}).served("")


def doc(title: str, body: str, lang: str = "en", head: str = "") -> str:
    return f'<html lang="{lang}"><head><title>{title}</title>{head}</head><body>{body}</body></html>'


async def no_fetch(url: str) -> PageSnapshot:
    raise AssertionError(f"unexpected fetch of {url}")


def site_view(pages: list[PageSnapshot], fetch: Callable[[str], Awaitable[PageSnapshot]] = no_fetch) -> SiteView:
    site = SiteConfig(name="t", start_urls=(BASE + "/",))
    return SiteView(site=site, pages=pages, lexicons=Lexicons.load(["en", "fr"]), fetch=fetch)
