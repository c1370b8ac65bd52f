"""Recrawl without redoing: conditional GET and content hashes against the previous run, and a
revisit policy that decides when a page seen before need not be requested at all.

A production crawler does not ask a server about every page it already has: it trusts a sitemap's
`<lastmod>` where the sitemap has earned it, and it revisits a page no sooner than its policy says.
Both are bounded here so that a lying sitemap costs a few days of staleness at most, never forever.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from crawler.snapshot import Link, PageSnapshot


@dataclass(frozen=True, slots=True)
class PreviousVisit:
    """What the last completed run recorded for a URL. `snapshot` is light: the fetch's facts,
    title, language and links (an unchanged page still feeds discovery), no markup, text or forms
    (the rules read a carried page's content from the visit it carries forward). `confirmed_at`
    is the last time a request showed this content (a 200, a 304 or the same hash); a page
    carried forward without a request keeps the time of the request before. With `links_read`
    false the snapshot's links were left in the store: the crawler reads them with its
    `LinksReader` (by `visit_id`) for the pages whose links discovery will still use."""

    visit_id: int
    content_hash: str
    etag: str
    last_modified: str
    snapshot: PageSnapshot
    confirmed_at: datetime | None = None
    links_read: bool = True

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


# The stored links of previous visits, by visit id (a visit without any may be left out): one call
# for many pages. Once a crawl's page budget is spent no carried page needs its links any more.
LinksReader = Callable[[Sequence[int]], Mapping[int, tuple[Link, ...]]]


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """When a page the last run saw is carried forward without any request. Start URLs are
    always requested, so a dead, moved or blocking site is noticed.

    - `sitemap_lastmod` (on by default): the site's sitemap gives the URL a `<lastmod>` that is
      not after the last request that showed its content, less `skew` (servers' clocks drift).
      The trust is bounded twice: a page last requested more than `sitemap_max_age` ago (staggered
      per URL between half and all of it, so forced revisits spread over the nights) is requested
      anyway; and when such a request finds a page changed that the sitemap said was not, the
      sitemap is not trusted for the rest of the run (pages settled before, in the same claimed
      batch, stay carried: the next run's max age catches them).
    - `revisit_after` (off by default): a page requested less than this long ago is not
      requested again, whatever the sitemap says. A change inside the window waits for the next
      run after it: an operator's choice of freshness against load, never a default.
    """

    sitemap_lastmod: bool = True
    sitemap_max_age: timedelta = timedelta(days=14)
    skew: timedelta = timedelta(hours=1)
    revisit_after: timedelta | None = None


CONDITIONAL_ONLY = RevisitPolicy(sitemap_lastmod=False)  # every page known before gets a conditional GET

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '12h', '7d', '2w' or plain seconds."""
    match = _DURATION.match(text.lower())
    if match is None:
        raise ValueError(f"{text!r} is not a duration (write it as 12h, 7d or 2w)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@lru_cache(maxsize=1024)  # a sitemap's pages share a few dates (a CMS writes many at once): parsed once each
def lastmod_bound(text: str) -> datetime | None:
    """The latest instant a sitemap `<lastmod>` can mean, in UTC; None when it says too little.

    A W3C date alone ends, somewhere on Earth (UTC-12), 36 hours after its UTC midnight; a time
    without a zone (not W3C, but served) is read in the zone that makes it latest. A year or a
    month alone is not trusted."""
    text = text.strip()
    if len(text) < 10:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        return value.replace(tzinfo=UTC) + timedelta(days=1, hours=12)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC) + timedelta(hours=12)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Decision:
    skip: str  # why the page is not requested, or "" to request it (conditionally)
    sitemap_unchanged: bool  # the sitemap says it has not changed since the last request


class Revisits:
    """One run's revisit decisions and their counts. `lastmod` maps URL keys to the raw
    `<lastmod>` of the site's sitemaps (only for URLs the last run saw: it is all that is asked)."""

    def __init__(self, policy: RevisitPolicy) -> None:
        self.policy = policy
        self.lastmod: dict[str, str] = {}
        self.trusting = policy.sitemap_lastmod
        self.contradicted_by = ""
        self.counts: Counter[str] = Counter()

    def decide(self, key: str, previous: PreviousVisit, now: datetime | None = None) -> Decision:
        confirmed = previous.confirmed_at
        if confirmed is None:
            return Decision("", False)
        age = (now or datetime.now(UTC)) - confirmed
        when = confirmed.isoformat(" ", "minutes")[:16] + " UTC"  # as %Y-%m-%d %H:%M, at half strftime's cost
        if self.policy.revisit_after is not None and age < self.policy.revisit_after:
            self.counts["revisit_after"] += 1
            return Decision(
                f"unchanged since visit {previous.visit_id}: last requested {when}, "
                f"within --revisit-after {self.policy.revisit_after}; not requested",
                False,
            )
        raw = self.lastmod.get(key, "")
        bound = lastmod_bound(raw) if raw else None
        unchanged = bound is not None and bound <= confirmed - self.policy.skew
        if unchanged and self.trusting and age < self._max_age(key):
            self.counts["sitemap_lastmod"] += 1
            return Decision(
                f"unchanged since visit {previous.visit_id}: sitemap lastmod {raw} is before its last request "
                f"({when}); not requested",
                True,
            )
        return Decision("", unchanged)

    def contradicted(self, url: str) -> None:
        """A page the sitemap called unchanged had changed: stop trusting the sitemap this run."""
        if self.trusting:
            self.trusting = False
            self.contradicted_by = url

    def _max_age(self, key: str) -> timedelta:
        share = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest()) / 2**32
        return self.policy.sitemap_max_age * (0.5 + 0.5 * share)

    def stats(self) -> dict[str, object]:
        out: dict[str, object] = {"not_requested": dict(self.counts)}
        if self.contradicted_by:
            out["sitemap_lastmod_contradicted_by"] = self.contradicted_by
        return out
