"""robots.txt through protego, one parsed file per origin and crawl."""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

from crawler.fetch import Fetcher
from crawler.snapshot import ScanStatus
from crawler.urls import origin_of


@dataclass(frozen=True, slots=True)
class RobotsRules:
    parser: Protego | None
    disallow_all: bool = False
    unavailable: str = ""  # why robots.txt could not be read, when that disallows everything

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(user_agent) if self.parser else None
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser else []


class RobotsCache:
    """Follows Google's reading of robots.txt availability: a missing file (4xx) allows
    everything; a server error (5xx) or no answer disallows everything for this crawl."""

    def __init__(self, fetcher: Fetcher, user_agent_token: str = "govaudit") -> None:
        self._fetcher = fetcher
        self.user_agent_token = user_agent_token
        self._rules: dict[str, RobotsRules] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        if origin not in self._rules:
            self._rules[origin] = await self._load(origin)
        return self._rules[origin]

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url, self.user_agent_token)

    async def _load(self, origin: str) -> RobotsRules:
        result = await self._fetcher.fetch(origin + "/robots.txt")
        if result.status is ScanStatus.OK:
            return RobotsRules(Protego.parse(result.text))
        if result.status_code is not None and 400 <= result.status_code < 500:
            return RobotsRules(None)
        reason = result.reason or f"HTTP {result.status_code}"
        return RobotsRules(None, disallow_all=True, unavailable=f"robots.txt not available ({reason})")
