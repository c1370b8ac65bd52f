"""Serve a bundled demo portal on 127.0.0.1 for tests, benchmarks and `govaudit demo`.

    with DemoServer.national() as server:
        httpx.get(server.base_url + "/en/")

Static files come from one portal folder. A few routes are dynamic: the site search, the login, the
protected online application forms, the form submissions and a CKAN-style catalogue API. Date tokens in
served text (``{{date:-3}}``, ``{{date_long_en:-3}}``, ``{{date_long_fr:-3}}``, ``{{year}}``) are replaced
by dates relative to the serving day, so the demo always looks maintained; ``{{base_url}}`` becomes the
server's own base URL (absolute URLs in sitemap.xml and robots.txt).

The application (`govaudit.demo.app`) is Starlette; uvicorn serves it from a background thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from datetime import date
from types import TracebackType
from typing import Any, Self

import uvicorn

from govaudit.demo.app import build_app
from govaudit.demo.portals import CITY, CREDENTIALS, NATIONAL, DemoState, IndexedPage, Portal
from govaudit.demo.search import build_index
from govaudit.demo.text import last_modified, long_date, render_tokens

__all__ = ["CITY", "NATIONAL", "DemoServer", "IndexedPage", "Portal", "last_modified", "long_date", "render_tokens"]


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, told when it is listening and woken at once when asked to stop."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()

    async def main_loop(self) -> None:
        # uvicorn polls should_exit every 0.1 s; tests start and stop many servers, so stop() wakes the loop.
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            assert self._wake is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def exit_soon(self) -> None:
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                self._loop.call_soon_threadsafe(self._wake.set)


def _listen(host: str, port: int) -> socket.socket:
    # Named as TCP, asyncio sets TCP_NODELAY on the accepted connections; otherwise every answer on a
    # kept-alive connection waits for the client's delayed ACK between its header and body writes.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class DemoServer:
    """Serve one demo portal on 127.0.0.1 on a free port, as a context manager.

    ``today`` fixes the serving day (tests); by default it is the real day of each request.
    """

    def __init__(self, portal: Portal, *, host: str = "127.0.0.1", port: int = 0, today: date | None = None):
        self.portal = portal
        self._host = host
        self._port = port
        self._state = DemoState(portal=portal, today_fixed=today)
        self._server: _Uvicorn | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def national(cls, **kwargs: Any) -> DemoServer:
        return cls(NATIONAL, **kwargs)

    @classmethod
    def city(cls, **kwargs: Any) -> DemoServer:
        return cls(CITY, **kwargs)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("DemoServer is not running")
        return self._state.base_url

    @property
    def credentials(self) -> tuple[str, str]:
        return CREDENTIALS

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def index(self) -> list[IndexedPage]:
        return list(self._state.index)

    def start(self) -> Self:
        if self._server is not None:
            return self
        sock = _listen(self._host, self._port)
        host, port = sock.getsockname()[:2]
        self._state.base_url = f"http://{host!s}:{port}"
        self._state.index = build_index(self.portal, self._state.today, self._state.base_url)
        config = uvicorn.Config(
            build_app(self._state),
            http="h11",
            loop="asyncio",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=10,
        )
        server = _Uvicorn(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"demo-{self.portal.name}")
        thread.start()
        server.ready.wait(timeout=30)
        if not server.started:
            server.exit_soon()
            thread.join(timeout=15)
            sock.close()
            raise RuntimeError(f"the {self.portal.name} demo server did not start")
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.exit_soon()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
