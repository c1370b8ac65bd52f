"""What to crawl: one registered site and its budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum, auto
from fnmatch import fnmatchcase
from urllib.parse import urlsplit


class SiteKind(StrEnum):
    """Each value is its name in lower case (what StrEnum's auto() gives): "national_portal", …"""

    NATIONAL_PORTAL = auto()
    MINISTRY = auto()
    OPEN_DATA_PORTAL = auto()
    E_PARTICIPATION_PORTAL = auto()
    CITY_PORTAL = auto()
    OTHER = auto()


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """A site as registered: where to start, what is in scope, how much to fetch.

    `allow_private` lets the crawler reach private or loopback addresses; it is off unless the
    user gave such a start URL explicitly (a team auditing its own dev server) or a test asks.
    """

    name: str
    start_urls: tuple[str, ...]
    country: str = ""  # ISO 3166 alpha-3
    kind: SiteKind = SiteKind.OTHER
    domains: tuple[str, ...] = ()  # hosts in scope; empty = the start URLs' hosts
    languages: tuple[str, ...] = ()
    max_pages: int = 200
    max_depth: int = 6
    allow_private: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # URL patterns (shell-style globs, see `follows`): only links matching an include (if any are
    # given) and no exclude are followed. The start URLs are always fetched.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def follows(self, url: str) -> bool:
        """Whether a discovered link is followed: a pattern with "://" is matched against the whole
        URL, any other against its path and query ("/admin/*", "*logout*")."""
        if not self.include and not self.exclude:
            return True
        parts = urlsplit(url)
        local = parts.path + (f"?{parts.query}" if parts.query else "")

        def matches(pattern: str) -> bool:
            return fnmatchcase(url if "://" in pattern else local, pattern)

        if self.include and not any(matches(p) for p in self.include):
            return False
        return not any(matches(p) for p in self.exclude)

    @property
    def scope_hosts(self) -> frozenset[str]:
        if self.domains:
            return frozenset(d.lower() for d in self.domains)
        return frozenset((urlsplit(u).hostname or "").lower() for u in self.start_urls)

    @property
    def home_url(self) -> str:
        return self.start_urls[0]
