"""`govaudit sites verify`: does a registered portal URL still lead to a government site?

One GET per site, redirects followed hop by hop through the crawler's address guard. The answer:
- dead: no answer (DNS, refused, timeout), an error status, or a parked domain;
- moved: the answer came from another site than the one registered (another host, ignoring `www.`);
- verified: it answered on its own host.
The final host's official shape (gov.xx …), the page's language and title are recorded beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from crawler.addresses import AddressGuard
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.language import detect_language
from crawler.parse import parse_html
from crawler.scope import is_official
from crawler.site import SiteConfig
from crawler.yaml_data import load_yaml
from storage.site_checks import SiteCheckResult

# Statuses that say the site is there but will not serve a robot: alive, not dead.
ALIVE_ERRORS = frozenset({401, 403, 429})
PARKED_PHRASES_NEEDED = 2


@cache
def _parked_markers() -> dict[str, list[str]]:
    text = resources.files("rules.registry").joinpath("parked_markers.yaml").read_text(encoding="utf-8")
    markers: dict[str, list[str]] = load_yaml(text)
    return markers


def _site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def is_parked(final_url: str, title: str, text: str) -> bool:
    markers = _parked_markers()
    host = _site_host(final_url)
    if any(host == h or host.endswith("." + h) for h in markers["hosts"]):
        return True
    haystack = f"{title} {text[:20_000]}".lower()
    return sum(phrase in haystack for phrase in markers["phrases"]) >= PARKED_PHRASES_NEEDED


def classify(url: str, country: str, fetched: FetchResult) -> SiteCheckResult:
    """The check of one fetch (pure: what the tests of each case assert on)."""
    common: dict[str, Any] = {"url": url, "final_url": fetched.final_url, "http_status": fetched.status_code}
    common["redirects"] = tuple(fetched.redirect_chain)
    if fetched.status_code is None:
        return SiteCheckResult(status="dead", reason=fetched.reason or str(fetched.status), **common)
    page = parse_html(fetched.text, fetched.final_url) if "html" in fetched.content_type else None
    title = page.title if page else ""
    language = detect_language(page.language, page.text) if page else ""
    final_host = urlsplit(fetched.final_url).hostname or ""
    official = is_official(final_host, country)
    details: dict[str, Any] = {"title": title, "language": language, "official_domain": official}
    if page is not None and is_parked(fetched.final_url, title, page.text):
        return SiteCheckResult(status="dead", parked=True, reason="parked domain", **details, **common)
    if fetched.status_code >= 400 and fetched.status_code not in ALIVE_ERRORS:
        return SiteCheckResult(status="dead", reason=f"HTTP {fetched.status_code}", **details, **common)
    if _site_host(fetched.final_url) != _site_host(url):
        reason = f"redirects to {_site_host(fetched.final_url)}"
        return SiteCheckResult(status="moved", reason=reason, **details, **common)
    return SiteCheckResult(status="verified", **details, **common)


async def verify_sites(
    sites: Iterable[tuple[int, SiteConfig]],
    *,
    settings: FetchSettings | None = None,
    allow_private: bool = False,
    concurrency: int = 8,
) -> list[tuple[int, SiteCheckResult]]:
    """Check each (site id, site) once, `concurrency` at a time; results in the order given.

    `allow_private` lets the guard reach loopback and private addresses (tests on 127.0.0.1);
    otherwise a site's own `allow_private` decides, as for its crawl."""
    settings = settings or FetchSettings(timeout_s=15.0, deadline_s=30.0, max_bytes=2_000_000, retries=0)
    gate = asyncio.Semaphore(concurrency)

    async def one(site_id: int, site: SiteConfig) -> tuple[int, SiteCheckResult]:
        guard = AddressGuard(allow_private=allow_private or site.allow_private)
        async with gate, Fetcher(guard, settings) as fetcher:
            fetched = await fetcher.fetch(site.home_url)
        # Parsing and language detection (the first one loads py3langid's model) run off the event
        # loop, so that they never stall the other checks' requests past their deadlines.
        return site_id, await asyncio.to_thread(classify, site.home_url, site.country, fetched)

    return list(await asyncio.gather(*(one(site_id, site) for site_id, site in sites)))
