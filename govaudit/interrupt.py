"""Ctrl-C during a run: the first SIGINT stops the crawl taking new pages; the pages in flight finish,
the report of what was audited is written and the run is recorded as `interrupted`. A second
SIGINT stops at once (KeyboardInterrupt), as people expect of a second Ctrl-C."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


class StopRequest:
    def __init__(self) -> None:
        self.requested = False
        self._listeners: list[Callable[[], None]] = []

    def on_stop(self, listener: Callable[[], None]) -> None:
        """`listener` runs when a stop is requested (at once if one already was)."""
        self._listeners.append(listener)
        if self.requested:
            listener()

    def request(self) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        for listener in self._listeners:
            listener()

    @contextmanager
    def on_sigint(self, notice: Callable[[], None] | None = None) -> Iterator[StopRequest]:
        """SIGINT requests the stop while inside (main thread only; elsewhere nothing changes)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if notice is not None and not self.requested:
                notice()
            self.request()

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)
