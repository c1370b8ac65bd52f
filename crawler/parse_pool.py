"""HTML parsing off the event loop: a large page is parsed in a worker process, one at a time.

A very large page (megabytes, hundreds of thousands of links) takes seconds of CPU and hundreds of
MB to parse; on the event loop that would stall every fetch in flight (a server that answered at
once would be recorded as `timeout`).
Small pages (nearly all) are parsed in place: a round trip to the worker would cost more than the
parse. Small is counted in characters and in tags: the parse's cost grows with the number of elements,
and faster than that with their nesting (20,000 nested divs fit in 220 KB and take over half a second).
One worker bounds the memory of parsing to one large page at a time, whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker

from crawler.parse import MAX_HTML_CHARS, ParsedPage, parse_html

INLINE_MAX_CHARS = 256 * 1024  # parsed in place below this and INLINE_MAX_TAGS: tens of ms at most
INLINE_MAX_TAGS = 10_000  # "<" counted: real pages rarely have more than a few thousand


class ParsePool:
    """`await pool.parse(html, base_url)`; the worker starts with the first large page."""

    def __init__(self, inline_max_chars: int = INLINE_MAX_CHARS, inline_max_tags: int = INLINE_MAX_TAGS) -> None:
        self.inline_max_chars = inline_max_chars
        self.inline_max_tags = inline_max_tags
        self._executor: Executor | None = None
        self._lock = asyncio.Lock()  # one large page in the worker at a time: its memory is the bound

    async def parse(self, html: str, base_url: str) -> ParsedPage:
        if len(html) <= self.inline_max_chars and html.count("<") <= self.inline_max_tags:
            return parse_html(html, base_url)
        async with self._lock:
            loop = asyncio.get_running_loop()
            # Only what is parsed crosses to the worker.
            markup, total = html[:MAX_HTML_CHARS], len(html)
            try:
                return await loop.run_in_executor(self._worker(), parse_html, markup, base_url, total)
            except BrokenProcessPool:  # the worker died (killed, out of memory): a thread does this one
                self.close()
                return await asyncio.to_thread(parse_html, markup, base_url, total)

    def _worker(self) -> Executor:
        if self._executor is None:
            if multiprocessing.current_process().daemon:
                # A daemonic process (a Celery prefork worker) may not start children: a thread then.
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
            else:
                # spawn: a fork would copy this process's threads' state (the browser driver, servers).
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    def close(self) -> None:
        """Ends the worker (idle by then: this only waits for it to exit), and the resource tracker
        multiprocessing started for it, so the crawl leaves no process behind; both start again
        with the next large page."""
        if self._executor is None:
            return
        spawned = isinstance(self._executor, ProcessPoolExecutor)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
        if spawned:
            _stop_resource_tracker()


def _stop_resource_tracker() -> None:
    # The tracker outlives every worker until this process exits; it restarts on demand. Its stop
    # is private API (CPython 3.8+): if it ever goes, a tracker left running is all that is lost.
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    stop = getattr(tracker, "_stop", None)
    if callable(stop):
        with contextlib.suppress(Exception):
            stop()
