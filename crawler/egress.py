"""The browser's only way out: a local SOCKS5 proxy that holds every connection to the address guard.

Playwright's request interception sees requests, not connections: redirect hops of a navigation,
workers' and service workers' fetches, speculative prefetch and prerender, the network predictor's
preconnects and WebRTC's TURN connections all bypass it. Chromium is therefore started with
`--proxy-server=socks5://127.0.0.1:PORT --proxy-bypass-list=<-loopback>` (loopback is proxied too)
and this proxy decides, for each TCP connection Chromium wants, after DNS resolution, whether the
destination may be reached, the way Stripe's Smokescreen guards egress. It then connects to the very
addresses it checked (a second resolution could answer differently: DNS rebinding).

SOCKS5, not an HTTP proxy: each SOCKS connection carries one destination for its whole life, so the
proxy never parses HTTP, keep-alive stays correct, and `https:`, `ws:` and `wss:` need nothing more.
Chromium sends the host name (remote resolution), so the resolution the guard checks is the one used.
UDP has no way through a SOCKS5 proxy in Chromium: QUIC is off behind a proxy, and WebRTC is held to
`disable_non_proxied_udp` by a launch flag (see `crawler.render.CHROMIUM_ARGS`).

The proxy runs its own event loop in a daemon thread: a crawl that parses a large page on its own loop
must not stall the browser's subresources behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost

CONNECT_TIMEOUT_S = 10.0
HANDSHAKE_TIMEOUT_S = 10.0
CHUNK = 65536
_SHUTDOWN_PASSES = 5  # each pass ends the handlers that the previous one's last accepted connections started
# Refusals kept for the renderer to explain a failed navigation; old ones are forgotten.
MAX_REFUSALS = 512

_VERSION = 5
_NO_AUTH = 0
_CONNECT = 1
_IPV4, _DOMAIN, _IPV6 = 1, 3, 4
_SUCCEEDED, _GENERAL_FAILURE, _NOT_ALLOWED, _HOST_UNREACHABLE, _REFUSED, _COMMAND_UNSUPPORTED = 0, 1, 2, 4, 5, 7


@dataclass(frozen=True, slots=True)
class Refusal:
    host: str
    port: int
    reason: str


class EgressProxy:
    """`with EgressProxy(guard) as proxy:` then launch Chromium with `proxy.chromium_args()`."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._refusals: OrderedDict[tuple[str, int], Refusal] = OrderedDict()
        self._lock = threading.Lock()
        self.connections = 0  # connections Chromium asked for, allowed or not
        # asyncio's stream server holds a connection's handler only while the client side is open, and the
        # upstream side's protocol holds its reader weakly: without this set, a tunnel whose client has
        # gone while its upstream stays open is a cycle of tasks and futures the garbage collector destroys
        # mid-wait ("Task was destroyed but it is pending!").
        self._handlers: set[asyncio.Task[None]] = set()

    # --- life cycle (from any thread) -------------------------------------------------------------

    def start(self) -> EgressProxy:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
                self.port = self._server.sockets[0].getsockname()[1]
            except OSError as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                _cancel_every_task(loop)
                loop.close()

        self._thread = threading.Thread(target=run, name="govaudit-egress", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> EgressProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def chromium_args(self) -> list[str]:
        """Chromium's command-line flags that send every connection through this proxy. Without
        `<-loopback>` Chromium would connect to localhost and 127.0.0.0/8 directly."""
        return [
            f"--proxy-server=socks5://127.0.0.1:{self.port}",
            "--proxy-bypass-list=<-loopback>",
            # Names are resolved here, by the guard, never by Chromium (whose predictor would otherwise
            # resolve names it only suspects a page will need).
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        ]

    def refusal(self, host: str, port: int) -> Refusal | None:
        """Why the proxy refused a connection to host:port, if it did."""
        with self._lock:
            return self._refusals.get((_bare(host), port))

    def refusals(self) -> list[Refusal]:
        with self._lock:
            return list(self._refusals.values())

    # --- the proxy (its own event loop) ----------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT_S):
                target = await self._handshake(reader, writer)
            if target is None:
                return
            self.connections += 1
            host, port = target
            try:
                addresses = await self._permitted(host, port)
            except (BlockedAddress, UnresolvableHost) as exc:
                self._refuse(host, port, str(exc))
                writer.write(_reply(_NOT_ALLOWED if isinstance(exc, BlockedAddress) else _HOST_UNREACHABLE))
                return
            up_reader, upstream = await self._connect(addresses, port)
            if upstream is None:
                writer.write(_reply(_REFUSED))
                return
            writer.write(_reply(_SUCCEEDED))
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            return
        except asyncio.CancelledError:
            # `stop()` cancels the connections still open. Ended as cancelled, the task would make
            # Python 3.11's stream server log the CancelledError as a traceback (it reads the task's
            # exception without asking whether it was cancelled), so the handler ends normally.
            return
        finally:
            for w in (upstream, writer):
                if w is not None:
                    with contextlib.suppress(OSError, RuntimeError):
                        w.close()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != _VERSION or _NO_AUTH not in methods:
            writer.write(bytes([_VERSION, 0xFF]))
            return None
        writer.write(bytes([_VERSION, _NO_AUTH]))
        version, command, _, kind = await reader.readexactly(4)
        if kind == _IPV4:
            host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
        elif kind == _IPV6:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        elif kind == _DOMAIN:
            length = (await reader.readexactly(1))[0]
            host = (await reader.readexactly(length)).decode("ascii", "replace")
        else:
            writer.write(_reply(_COMMAND_UNSUPPORTED))
            return None
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != _CONNECT:
            # BIND and UDP ASSOCIATE: nothing in a page's rendering needs them.
            writer.write(_reply(_COMMAND_UNSUPPORTED))
            return None
        return _bare(host), port

    async def _permitted(self, host: str, port: int) -> list[str]:
        """The addresses to connect to, each one checked; raises if the guard refuses the host."""
        await self.guard.check(host, port)
        cached = self.guard.resolved(host)
        if cached is not None:
            return cached
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnresolvableHost(f"cannot resolve {host}: {exc.strerror}") from exc
        return sorted({info[4][0] for info in infos})

    async def _connect(
        self, addresses: list[str], port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter | None]:
        for address in addresses:
            try:
                async with asyncio.timeout(CONNECT_TIMEOUT_S):
                    up_reader, up_writer = await asyncio.open_connection(address, port, limit=CHUNK)
                return up_reader, up_writer
            except (OSError, TimeoutError):
                continue
        return asyncio.StreamReader(), None

    def _refuse(self, host: str, port: int, reason: str) -> None:
        with self._lock:
            self._refusals[(host, port)] = Refusal(host, port, reason)
            self._refusals.move_to_end((host, port))
            while len(self._refusals) > MAX_REFUSALS:
                self._refusals.popitem(last=False)


def _bare(host: str) -> str:
    return host.strip("[]").lower()


def _reply(code: int) -> bytes:
    return bytes([_VERSION, code, 0, _IPV4, 0, 0, 0, 0, 0, 0])


def _cancel_every_task(loop: asyncio.AbstractEventLoop) -> None:
    """Cancels the loop's tasks and waits for them to end. A connection accepted just before the stop
    starts its handler while the others are being cancelled, so the loop is asked again."""
    for _ in range(_SHUTDOWN_PASSES):
        tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(CHUNK):
            sink.write(chunk)
            await sink.drain()
    except (OSError, RuntimeError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if sink.can_write_eof():
                sink.write_eof()
