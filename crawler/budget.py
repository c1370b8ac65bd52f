"""A run's time budget, and the queue of pages waiting to be asked again (429/503 back-off).

The budget is a deadline every wait of the crawl is measured against: a wait that would end past
it is not started (or is cancelled), so a run ends within its budget whatever a server asks for.
"""

from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class TimeBudget:
    """`seconds` from `started` (time.monotonic, which asyncio's loop clock also is); None: no limit."""

    seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float | None:
        return None if self.seconds is None else self.started + self.seconds

    def left(self) -> float | None:
        """Seconds left (never below 0), or None without a limit."""
        deadline = self.deadline
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    @property
    def spent(self) -> bool:
        left = self.left()
        return left is not None and left <= 0

    def allows(self, wait_s: float) -> bool:
        """Whether a wait of `wait_s` seconds ends within the budget."""
        left = self.left()
        return left is None or wait_s < left

    def part(self, share: float) -> TimeBudget:
        """A budget with `share` of this one's seconds, counted from the same start (a crawl that
        must leave time for the steps after it)."""
        return TimeBudget(None if self.seconds is None else self.seconds * share, self.started)


@dataclass(order=True, slots=True)
class _Waiting(Generic[T]):
    due: float
    order: int
    item: T = field(compare=False)


class RetryQueue(Generic[T]):
    """Items to take up again after a wait, each with its own due time: a page that answered 429
    waits alone, and frees its fetch slot for the others meanwhile."""

    def __init__(self) -> None:
        self._heap: list[_Waiting[T]] = []
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, item: T, after_s: float) -> None:
        heapq.heappush(self._heap, _Waiting(time.monotonic() + after_s, next(self._order), item))

    def due(self) -> list[T]:
        """The items whose wait is over, in the order they fell due."""
        now, out = time.monotonic(), []
        while self._heap and self._heap[0].due <= now:
            out.append(heapq.heappop(self._heap).item)
        return out

    def next_in(self) -> float | None:
        """Seconds until the next item falls due (0 if one already has), None when empty."""
        return max(0.0, self._heap[0].due - time.monotonic()) if self._heap else None

    def drain(self) -> list[T]:
        """Every item still waiting (the budget ran out before they fell due)."""
        out = [w.item for w in sorted(self._heap)]
        self._heap.clear()
        return out
