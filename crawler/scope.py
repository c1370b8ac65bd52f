"""What the crawl may follow: the site's hosts, official government domains, and no traps."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.urls import host_of, in_scope
from crawler.yaml_data import load_yaml

# Query parameters that carry a session, never content: removed so one page is one URL.
SESSION_PARAMS = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sid",
        "sessionid",
        "session_id",
        "aspsessionid",
        "cfid",
        "cftoken",
        "zenid",
        "osCsid".lower(),
    }
)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# A year and a month (2026/11, 2026-11, 202611, 20261105), not any number that contains "20" or "19"
# (/news/page-20123.html is an article, not a calendar).
_DATE_LIKE = re.compile(
    r"(?<!\d)(19|20)\d\d(?:[-/]\d{1,2}|(?:0[1-9]|1[0-2])(?:[0-3]\d)?)(?!\d)|calendar|month|year|date|day|week",
    re.IGNORECASE,
)
MAX_SEGMENT_REPEATS = 3
# URLs of one shape that differ only by numbers: a calendar or endless pagination. Numbered
# articles (/news/123) share a shape too, so only date-like or query-string numbers count.
MAX_DATED_PER_SHAPE = 50
MAX_QUERY_PER_SHAPE = 500


@dataclass(frozen=True, slots=True)
class _OfficialDomains:
    """crawler/data/official_domains.yaml, typed."""

    patterns: frozenset[str]
    generic_suffixes: tuple[str, ...]
    countries: dict[str, tuple[str, ...]]


@cache
def _official() -> _OfficialDomains:
    data = load_yaml(resources.files("crawler.data").joinpath("official_domains.yaml").read_text())
    return _OfficialDomains(
        patterns=frozenset(data["patterns"]),
        generic_suffixes=tuple(data["generic_suffixes"]),
        countries={country: tuple(domains) for country, domains in data["countries"].items()},
    )


def is_official(host: str, country: str = "") -> bool:
    """A government domain by its shape (gov.xx, gouv.xx …) or by the country's registry."""
    data = _official()
    labels = host.lower().split(".")
    if len(labels) >= 3 and labels[-2] in data.patterns and len(labels[-1]) == 2:
        return True
    suffixes = data.generic_suffixes + data.countries.get(country.upper(), ())
    return any(host == s or host.endswith("." + s) for s in suffixes)


def strip_session(url: str) -> str:
    if ";" not in url and "?" not in url:  # nothing to strip: most links, and splitting costs
        return url
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SESSION_PARAMS]
    return urlunsplit(parts._replace(path=path, query=urlencode(query)))


def shape(url: str) -> str:
    """The URL with its numbers blanked: /calendar/2026/11 and /calendar/2027/01 share a shape."""
    parts = urlsplit(url)
    keys = sorted(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return f"{parts.netloc}{_DIGITS.sub('#', parts.path)}?{'&'.join(keys)}"


def repeats_segments(url: str) -> bool:
    return _repeats_segments(urlsplit(url).path)


def _repeats_segments(path: str) -> bool:
    segments = [s for s in path.split("/") if s]
    # A short path cannot repeat a segment often enough (most paths): nothing to count.
    return len(segments) >= MAX_SEGMENT_REPEATS and any(n >= MAX_SEGMENT_REPEATS for n in Counter(segments).values())


@dataclass
class Scope:
    """Decides, link by link, whether to follow. Keeps counts per URL shape to spot traps."""

    hosts: frozenset[str]
    country: str = ""
    official_hops: int = 0  # how far to follow links onto other official domains
    _shapes: dict[str, set[str]] = field(default_factory=dict)
    trapped: Counter[str] = field(default_factory=Counter)

    def hops_for(self, url: str, from_hops: int) -> int | None:
        """Hops the link would be at, or None when it is out of scope."""
        if in_scope(url, self.hosts):
            return 0
        if from_hops < self.official_hops and is_official(host_of(url), self.country):
            return from_hops + 1
        return None

    def trap_reason(self, url: str) -> str:
        """Why `url` looks like a crawler trap, or "" when it does not."""
        parts = urlsplit(url)  # once: this runs for every link of every page
        if _repeats_segments(parts.path):
            return "repeating path segments"
        if _DATE_LIKE.search(parts.path + "?" + parts.query):
            limit = MAX_DATED_PER_SHAPE
        elif _DIGITS.search(parts.query):
            limit = MAX_QUERY_PER_SHAPE
        else:
            return ""
        key = shape(url)
        urls = self._shapes.setdefault(key, set())
        if url not in urls:
            if len(urls) >= limit:
                return f"more than {limit} URLs of the shape {key} (calendar or endless pagination)"
            urls.add(url)
        return ""

    def first_trap(self, reason: str) -> bool:
        """Count a trapped URL; True for the first of its kind (recorded once, not each time)."""
        self.trapped[reason] += 1
        return self.trapped[reason] == 1
