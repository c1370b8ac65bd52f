"""Per-host politeness: concurrency per host, a minimum gap between requests, and back-off on
429/503 that honours Retry-After (computed with tenacity)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from email.utils import parsedate_to_datetime

from tenacity import AsyncRetrying, RetryCallState, retry_if_result, stop_after_attempt, wait_exponential

from crawler.fetch import Fetcher, FetchResult
from crawler.urls import host_of

BACK_OFF_CODES = frozenset({429, 503})
MAX_WAIT_S = 60.0
ATTEMPTS = 3
_exponential = wait_exponential(multiplier=1, min=1, max=MAX_WAIT_S)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


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

    def hold_off(self, host: str, seconds: float) -> None:
        """The host asked us to wait (429/503): nobody starts a request to it before then."""
        self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + seconds)

    def slot(self, host: str) -> asyncio.Semaphore:
        return self._slots[host]


async def fetch_with_backoff(
    fetcher: Fetcher, limits: HostLimits, url: str, headers: dict[str, str], delay: float
) -> FetchResult:
    host = host_of(url)

    def wait(state: RetryCallState) -> float:
        result: FetchResult = state.outcome.result()  # type: ignore[union-attr]
        asked = retry_after_seconds(result.headers.get("retry-after"))
        seconds = min(asked if asked is not None else _exponential(state), MAX_WAIT_S)
        limits.hold_off(host, seconds)
        return seconds

    retrying = AsyncRetrying(
        retry=retry_if_result(lambda r: r.status_code in BACK_OFF_CODES),
        wait=wait,
        stop=stop_after_attempt(ATTEMPTS),
        retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
    )
    async for attempt in retrying:
        with attempt:
            async with limits.slot(host):
                await limits.wait_turn(host, delay)
                result = await fetcher.fetch(url, headers=headers or None)
        # tenacity's documented pattern for retrying on a result rather than an exception.
        if attempt.retry_state.outcome is not None and not attempt.retry_state.outcome.failed:
            attempt.retry_state.set_result(result)
    return result
