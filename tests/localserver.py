"""A tiny threaded HTTP server on 127.0.0.1 for tests: routes map a path to a response."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


Route = Response | Callable[[BaseHTTPRequestHandler], Response]


class LocalServer:
    """`with LocalServer({"/": Response("<html>…")}) as server: server.url("/")`.

    Unknown paths answer 404. `hits` counts requests per path (what a politeness or
    fetch-once test asserts on)."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path) or server.routes.get(self.path)
                if route is None:
                    response = Response("<!doctype html><title>Not found</title><p>Not found", 404)
                else:
                    response = route(self) if callable(route) else route
                body = response.body.encode() if isinstance(response.body, str) else response.body
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = _HangUpsQuiet(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _HangUpsQuiet(ThreadingHTTPServer):
    """A client that hangs up before its answer is written (a crawl killed by a test, a tab closed) is no
    error of the server's: no traceback on stderr, which a test that runs the CLI in this process reads as
    the CLI's. Any other error is printed as before."""

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def page(title: str, body: str, lang: str = "en", head: str = "") -> Response:
    return Response(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


def free_port() -> int:
    """A loopback port nothing listens on (a closed port, or one to start a server on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
