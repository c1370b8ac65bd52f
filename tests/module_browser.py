"""One Playwright driver and Chromium for a whole test module, on an event loop in a thread of its own.

The code under test runs `asyncio.run` (the CLI, the audits), which cannot run inside another loop: the
module's browser lives on a loop of its own, and the tests hand it coroutines. A driver and browser start
costs about as much CPU as several page loads, so a module starts one, not one per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Self, TypeVar

if TYPE_CHECKING:
    from playwright.async_api import Browser

T = TypeVar("T")


class ModuleBrowser:
    """The browser of a test module. `run(body)` gives a test the browser and closes the contexts the test
    left open after it, so tests share nothing but the browser process; `call(work)` runs any coroutine on
    the browser's loop."""

    def __init__(self, chromium: str, name: str = "module-browser") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._stack = contextlib.AsyncExitStack()
        self.browser: Browser = self.call(self._open(chromium))

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=900)

    async def _open(self, chromium: str) -> Browser:
        # Imported here: test modules that never start a browser do not pay for Playwright.
        from playwright.async_api import async_playwright

        from crawler.render import CHROMIUM_ARGS

        playwright = await self._stack.enter_async_context(async_playwright())
        browser = await playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        self._stack.push_async_callback(browser.close)
        return browser

    def run(self, body: Callable[[Browser], Awaitable[T]]) -> T:
        """`body(browser)` to its end; whatever contexts it left open are closed after it."""
        return self.call(self._run(body))

    async def _run(self, body: Callable[[Browser], Awaitable[T]]) -> T:
        try:
            return await body(self.browser)
        finally:
            for context in self.browser.contexts:
                await context.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.call(self._stack.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
            self._loop.close()
