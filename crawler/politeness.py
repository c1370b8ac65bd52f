"""Per-host politeness: concurrency per host, a minimum gap between requests (Crawl-delay, capped),
and the back-off on 429/503 that honours Retry-After (capped), for the URL that asked for it only."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from crawler.fetch import Fetcher, FetchResult
from crawler.urls import host_of

BACK_OFF_CODES = frozenset({429, 503})
ATTEMPTS = 3
# A server may ask for a day between requests (Crawl-delay: 86400) or before a retry (Retry-After:
# 86400): obeyed up to these caps, which the run's stats report with what was asked.
MAX_CRAWL_DELAY_S = 30.0
MAX_RETRY_AFTER_S = 60.0


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def backoff_seconds(attempt: int) -> float:
    """Without Retry-After: 1, 2, 4 … seconds after the 1st, 2nd, 3rd … refusal."""
    return float(2 ** max(0, attempt - 1))


@dataclass(slots=True)
class Caps:
    """The caps on what servers ask for, and what they asked for beyond them (for the run's stats)."""

    crawl_delay_s: float = MAX_CRAWL_DELAY_S
    retry_after_s: float = MAX_RETRY_AFTER_S
    crawl_delay_asked: dict[str, float] = field(default_factory=dict)  # host → Crawl-delay over the cap
    retry_after_capped: int = 0  # answers whose Retry-After was over the cap
    retry_after_max_asked: float = 0.0

    def crawl_delay(self, host: str, asked: float | None) -> float:
        if asked is None:
            return 0.0
        if asked > self.crawl_delay_s:
            self.crawl_delay_asked[host] = asked
        return min(asked, self.crawl_delay_s)

    def retry_after(self, asked: float | None, attempt: int) -> float:
        if asked is not None and asked > self.retry_after_s:
            self.retry_after_capped += 1
            self.retry_after_max_asked = max(self.retry_after_max_asked, asked)
        return min(asked if asked is not None else backoff_seconds(attempt), self.retry_after_s)

    def stats(self) -> dict[str, Any]:
        return {
            "crawl_delay_cap_s": self.crawl_delay_s,
            "retry_after_cap_s": self.retry_after_s,
            "crawl_delay_over_cap": dict(self.crawl_delay_asked),
            "retry_after_over_cap": self.retry_after_capped,
            "retry_after_max_asked_s": self.retry_after_max_asked,
        }


class HostLimits:
    """At most `per_host` requests in flight to one host, starts spaced by the host's delay."""

    def __init__(self, per_host: int = 2) -> None:
        self._slots: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._next_start: dict[str, float] = {}

    async def wait_turn(self, host: str, delay: float) -> None:
        now = time.monotonic()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    def slot(self, host: str) -> asyncio.Semaphore:
        return self._slots[host]


async def fetch_politely(
    fetcher: Fetcher, limits: HostLimits, url: str, headers: dict[str, str], delay: float
) -> FetchResult:
    """One request, in the host's turn. A 429/503 is the caller's to retry (see Crawler and
    RetryQueue): waiting here would hold a fetch slot, and another host's pages would wait too."""
    host = host_of(url)
    async with limits.slot(host):
        await limits.wait_turn(host, delay)
        return await fetcher.fetch(url, headers=headers or None)
