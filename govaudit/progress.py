"""Progress for a CI log: off a terminal, one plain line every few seconds (as Scrapy's stats log
does) with the pages done, the pages queued and the failures so far, and a last line at the end."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from crawler.snapshot import REACHED

DEFAULT_INTERVAL_S = 10.0


class LogProgress:
    """Called by the crawl with (pages done, pages known) and with each page's status; a daemon
    thread writes the line, so that a page that takes a minute still leaves a line every interval."""

    def __init__(self, name: str, stream: TextIO | None = None, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.name = name
        self.stream = stream or sys.stderr
        self.interval_s = interval_s  # GOVAUDIT_PROGRESS_INTERVAL, through Settings
        self.done = 0
        self.known = 0
        self.failed = 0
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="govaudit-progress", daemon=True)

    def __call__(self, done: int, known: int) -> None:
        self.done, self.known = done, known

    def page(self, status: str) -> None:
        if status not in REACHED:
            self.failed += 1

    def line(self) -> str:
        elapsed = time.monotonic() - self._started
        queued = max(self.known - self.done, 0)
        rate = self.done / elapsed * 60 if elapsed > 0 else 0.0
        return (
            f"{self.name}: {self.done} pages done, {queued} queued, {self.failed} failed "
            f"({rate:.0f} pages/min, {elapsed:.0f} s)"
        )

    def _tick(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._write(self.line())

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # the log went away (closed pipe): the run goes on
            pass

    def __enter__(self) -> LogProgress:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._write(self.line())
