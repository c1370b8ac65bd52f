"""The frontier: URLs waiting to be fetched, in click-depth order.

`Frontier` is a protocol so that a crawl can be persisted without the crawler knowing how:
`MemoryFrontier` lives in the process; `storage` provides one in the database (claimed with
`BEGIN IMMEDIATE` on SQLite and `FOR UPDATE SKIP LOCKED` on PostgreSQL) that a crawl killed
at any moment resumes from.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from crawler.urls import url_key


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    url: str
    depth: int
    referrer: str | None = None
    via: str = "link"  # start, link, sitemap
    hops: int = 0  # clicks beyond the site's own hosts, on other official domains
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", url_key(self.url))


class Frontier(Protocol):
    def add(self, entries: Sequence[FrontierEntry], limit: int | None = None) -> int:
        """Add entries not seen before in this crawl, at most `limit` of them (in order);
        return how many were new."""

    def claim(self, limit: int) -> list[FrontierEntry]:
        """Take up to `limit` pending entries, lowest depth first, so no one else takes them."""

    def complete(self, entry: FrontierEntry) -> None:
        """The entry's page has been recorded (a store may already have done this atomically)."""

    def release(self) -> int:
        """Put claimed but unfinished entries back (after a crash); return how many."""

    def known(self) -> int:
        """How many distinct URLs this crawl has seen."""

    def pending(self) -> int:
        """How many entries wait to be claimed."""


class MemoryFrontier:
    """The in-process frontier: a heap by depth, a dict of states."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, FrontierEntry]] = []
        self._state: dict[str, str] = {}
        self._claimed: dict[str, FrontierEntry] = {}
        self._seq = itertools.count()

    def add(self, entries: Sequence[FrontierEntry], limit: int | None = None) -> int:
        new = 0
        for entry in entries:
            if limit is not None and new >= limit:
                break
            if entry.key in self._state:
                continue
            self._state[entry.key] = "pending"
            heapq.heappush(self._heap, (entry.depth, next(self._seq), entry))
            new += 1
        return new

    def claim(self, limit: int) -> list[FrontierEntry]:
        out: list[FrontierEntry] = []
        while self._heap and len(out) < limit:
            _, _, entry = heapq.heappop(self._heap)
            self._state[entry.key] = "claimed"
            self._claimed[entry.key] = entry
            out.append(entry)
        return out

    def complete(self, entry: FrontierEntry) -> None:
        self._state[entry.key] = "done"
        self._claimed.pop(entry.key, None)

    def release(self) -> int:
        claimed = list(self._claimed.values())
        self._claimed.clear()
        for entry in claimed:
            self._state[entry.key] = "pending"
            heapq.heappush(self._heap, (entry.depth, next(self._seq), entry))
        return len(claimed)

    def known(self) -> int:
        return len(self._state)

    def pending(self) -> int:
        return len(self._heap)
