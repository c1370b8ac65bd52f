"""robots.txt through protego, read the way Google's reference parser reads it.

protego does the parsing and matching. Three differences from Google's parser (RFC 9309 plus the
behaviour Google documents) are closed here, on the way in, so that govaudit agrees with all 145
allow/disallow cases of Google's test suite:

- a `user-agent` value counts up to its first whitespace ("FOO BAR" names FOO);
- an unknown line does not end a run of `user-agent` lines;
- a line longer than 16,664 bytes is cut there, as Google's parser cuts it;
- paths are matched as written: a rule's non-ASCII characters are percent-encoded, existing
  escapes are not decoded ("%62" is not "b"), and a URL must arrive percent-encoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit, urlunsplit

from protego import Protego

from crawler.fetch import Fetcher
from crawler.snapshot import ScanStatus
from crawler.urls import origin_of

_USER_AGENT_FIELDS = frozenset({"user-agent", "useragent", "user agent"})
_PATH_FIELDS = frozenset({"allow", "disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"})
_OTHER_FIELDS = frozenset(
    {
        "sitemap",
        "sitemaps",
        "site-map",
        "crawl-delay",
        "crawl delay",
        "request-rate",
        "request rate",
        "visit-time",
        "visit time",
        "host",
    }
)
_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(.*?)\s*$")
_VALID_AGENT = re.compile(r"^[A-Za-z_-]+$")
# protego decodes percent-escapes before matching; a private-use character stands in for "%"
# on both sides so an escape is compared as the literal text it is, as Google's parser does.
_PERCENT = "\ue000"
_RAW = "\ue001"
_UNMATCHABLE_AGENT = "govaudit-no-such-agent"
_MAX_LINE_BYTES = 2083 * 8 - 1  # Google's kMaxLineLen, less its terminating NUL
# Google reads the first 500 KiB of a robots.txt and ignores the rest; so do we (parsing a huge one
# whole takes memory many times its size).
MAX_ROBOTS_BYTES = 500 * 1024


def _literal(text: str) -> str:
    return text.replace("%", _PERCENT)


def normalise_robots(text: str) -> str:
    lines = []
    for raw in text.splitlines():
        line = raw.encode()[:_MAX_LINE_BYTES].decode(errors="ignore").split("#", 1)[0]
        match = _LINE.match(line)
        if match is None:
            lines.append(line)
            continue
        field, value = match.group(1).lower(), match.group(2)
        if field in _USER_AGENT_FIELDS:
            value = value.split()[0] if value.split() else value
        elif field in _PATH_FIELDS:
            value = _literal(quote(value, safe="".join(chr(c) for c in range(0x21, 0x7F))))
        elif field not in _OTHER_FIELDS:
            continue  # unknown: dropped, so it cannot split a group
        lines.append(f"{field}: {value}")
    return "\n".join(lines)


def _literal_url(url: str) -> str:
    parts = urlsplit(url)
    # A raw non-ASCII character in the URL never equals an encoded rule: mark it so.
    path = "".join(c if ord(c) < 0x80 else _RAW + c for c in parts.path)
    query = "".join(c if ord(c) < 0x80 else _RAW + c for c in parts.query)
    return urlunsplit(parts._replace(path=_literal(path), query=_literal(query)))


@dataclass(frozen=True, slots=True)
class RobotsRules:
    parser: Protego | None
    disallow_all: bool = False
    unavailable: str = ""  # why robots.txt could not be read, when that disallows everything
    unavailable_status: ScanStatus = ScanStatus.ERROR
    note: str = ""  # what was left unread, when the file was cut

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        return cls(Protego.parse(normalise_robots(text)))

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        # Google matches a product token exactly; anything else only meets the "*" group.
        agent = user_agent if _VALID_AGENT.match(user_agent) else _UNMATCHABLE_AGENT
        return bool(self.parser.can_fetch(_literal_url(url), agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(user_agent) if self.parser else None
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return [s.replace(_PERCENT, "%") for s in self.parser.sitemaps] if self.parser else []


class RobotsCache:
    """Follows Google's reading of robots.txt availability: a missing file (4xx) allows
    everything; a server error (5xx) or no answer disallows everything for this crawl."""

    def __init__(self, fetcher: Fetcher, user_agent_token: str = "govaudit") -> None:
        self._fetcher = fetcher
        self.user_agent_token = user_agent_token
        self._rules: dict[str, RobotsRules] = {}

    def notes(self) -> dict[str, str]:
        """Origin → what was left unread of its robots.txt (for the run's stats)."""
        return {origin: rules.note for origin, rules in self._rules.items() if rules.note}

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        if origin not in self._rules:
            self._rules[origin] = await self._load(origin)
        return self._rules[origin]

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url, self.user_agent_token)

    async def _load(self, origin: str) -> RobotsRules:
        result = await self._fetcher.fetch(origin + "/robots.txt", keep_first=MAX_ROBOTS_BYTES)
        if result.status is ScanStatus.OK and result.truncated:
            # The last line read may be cut in the middle: only whole lines count.
            text = result.text.rsplit("\n", 1)[0]
            note = f"larger than {MAX_ROBOTS_BYTES // 1024} KiB: only its first {MAX_ROBOTS_BYTES:,} bytes were read"
            return replace(RobotsRules.parse(text), note=note)
        if result.status is ScanStatus.OK:
            return RobotsRules.parse(result.text)
        if result.status_code is not None and 400 <= result.status_code < 500:
            return RobotsRules(None)
        if result.status is ScanStatus.BLOCKED_ADDRESS:  # nothing was sent, and nothing will be
            return RobotsRules(
                None, disallow_all=True, unavailable=result.reason, unavailable_status=ScanStatus.BLOCKED_ADDRESS
            )
        reason = result.reason or f"HTTP {result.status_code}"
        return RobotsRules(None, disallow_all=True, unavailable=f"robots.txt not available ({reason})")
