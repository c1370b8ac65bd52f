"""A hostile web server on 127.0.0.1: every path is one way a real server can hurt a crawler.

It is a raw asyncio server (not http.server) because most behaviours need control below HTTP:
a body that never ends, one byte a second, a reset in the middle of a body, a socket closed
before any answer, headers that never come. It runs its own event loop in a thread, so a test's
loop (the crawler's) and this one never block each other. Large bodies are streamed in chunks,
never built in memory. Every request is counted per path in `hits` (the SSRF tests assert that a
forbidden target got none).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, urlsplit

CHUNK = 64 * 1024
MIB = 1024**2
GIB = 1024**3
BOMB_SIZE = 256 * MIB  # decompressed size of the gzip bomb; it is ~250 KB on the wire
HANG_S = 300.0  # "forever": longer than any budget; cancelled when the server stops


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Handler = Callable[["HostileServer", Request, asyncio.StreamWriter], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Behaviour:
    path: str  # the URL the home page links to (path and query)
    title: str
    handler: Handler


def _head(status: int, headers: dict[str, str], reason: str = "") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason or 'Whatever'}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(
    writer: asyncio.StreamWriter,
    body: bytes | str = b"",
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    data = body.encode() if isinstance(body, str) else body
    head = {"Content-Type": content_type, "Content-Length": str(len(data)), "Connection": "close"}
    head.update(headers or {})
    writer.write(_head(status, {k: v for k, v in head.items() if v is not None}) + data)
    await writer.drain()


def html(title: str, body: str, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


@cache
def gzip_bomb() -> bytes:
    """256 MiB of zeros, gzip-compressed once per process."""
    return compressed_zeros(BOMB_SIZE, GZIP)


@cache
def zlib_bomb() -> bytes:
    """64 MiB of zeros as a zlib stream (what most servers send as "deflate"), once per process."""
    return compressed_zeros(64 * MIB, ZLIB)


GZIP, ZLIB = 31, 15  # zlib's wbits for each container


def compressed_zeros(size: int, wbits: int) -> bytes:
    """`size` (whole MiB) zero bytes compressed at level 9, without compressing them all: a full flush
    after each MiB resets the compressor, so every MiB compresses to the same bytes, which are repeated.
    The container's checksum is computed over the whole, as the decoder checks it."""
    zeros = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first.endswith(block), "a full flush did not reset the compressor"
    header = first[: len(first) - len(block)]
    checksum_size = 8 if wbits == GZIP else 4
    final_block = compressor.flush(zlib.Z_FINISH)[:-checksum_size]  # an empty last block, then the checksum
    check = zlib.crc32 if wbits == GZIP else zlib.adler32
    value = 0 if wbits == GZIP else 1  # each checksum's starting value
    for _ in range(size // MIB):
        value = check(zeros, value)
    trailer = struct.pack("<II", value, size % 2**32) if wbits == GZIP else struct.pack(">I", value)
    return header + block * (size // MIB) + final_block + trailer


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN: what a crashing server or a middlebox does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# --- behaviours: transport and size -----------------------------------------------------------


async def endless_chunked(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    w.write(_head(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}))
    piece = b"<p>" + b"more " * 2000 + b"</p>"
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    while True:  # until the client hangs up
        w.write(frame)
        await w.drain()


async def one_byte_per_second(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    body = html("Drip", "<p>" + "x" * 200 + "</p>").encode()
    w.write(_head(200, {"Content-Type": "text/html", "Content-Length": str(len(body))}))
    for byte in body:
        w.write(bytes([byte]))
        await w.drain()
        await asyncio.sleep(1)


async def gigabyte(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    w.write(_head(200, {"Content-Type": "text/html", "Content-Length": str(GIB)}))
    zeros = b"<!-- " + b" " * (CHUNK - 10) + b" -->"
    for _ in range(GIB // CHUNK):
        w.write(zeros)
        await w.drain()


async def gigabyte_unannounced(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    """1 GB with no Content-Length (read until close): only a streaming cap stops it."""
    w.write(_head(200, {"Content-Type": "text/html", "Connection": "close"}))
    zeros = b" " * CHUNK
    for _ in range(GIB // CHUNK):
        w.write(zeros)
        await w.drain()


async def gzip_bomb_page(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, gzip_bomb(), headers={"Content-Encoding": "gzip"})


async def deflate_bomb(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, zlib_bomb(), headers={"Content-Encoding": "deflate"})


async def bad_encoding(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, b"this is not gzip at all" * 20, headers={"Content-Encoding": "gzip"})


async def unknown_encoding(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, b"\x1b\x00\x00garbage", headers={"Content-Encoding": "br"})  # never asked for


async def reset_mid_body(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    w.write(_head(200, {"Content-Type": "text/html", "Content-Length": "100000"}) + b"<html><body>" + b"a" * 5000)
    await w.drain()
    await asyncio.sleep(0.05)
    _reset(w)


async def close_without_response(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    w.close()


async def reset_without_response(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    _reset(w)


async def slow_headers(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await asyncio.sleep(HANG_S)


async def short_body(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    """Content-Length promises more than is sent, then the connection closes."""
    w.write(_head(200, {"Content-Type": "text/html", "Content-Length": "5000"}) + b"<html><p>only this")
    await w.drain()
    w.close()


async def garbage_status_line(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    w.write(b"HELLO THERE\r\nthis is not http\r\n\r\n")
    await w.drain()


async def huge_header(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, html("Huge header", "<p>x</p>"), headers={"X-Padding": "a" * 200_000})


async def hang_subresource(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await asyncio.sleep(HANG_S)


# --- behaviours: HTTP answers -----------------------------------------------------------------


def fixed(
    body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8", **headers: str
) -> Handler:
    async def handler(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
        await send(w, body, status, content_type, {k.replace("_", "-"): v for k, v in headers.items()})

    return handler


def redirect(location: str | Callable[[HostileServer, Request], str], status: int = 302) -> Handler:
    async def handler(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
        target = location(server, req) if callable(location) else location
        await send(w, b"", status, headers={"Location": target})

    return handler


def _chain_next(server: HostileServer, req: Request) -> str:
    n = int(req.query.get("n", ["0"])[0])
    return f"/redirect-chain?n={n + 1}"


def _private_by_name(server: HostileServer, req: Request) -> str:
    # "localhost" resolves to loopback, but only the literal 127.0.0.1 was allowed.
    return f"http://localhost:{server.port}/private-target"


def _private_other_loopback(server: HostileServer, req: Request) -> str:
    return f"http://127.0.0.2:{server.port}/private-target"


def _session_page(server: HostileServer, req: Request) -> str:
    return html("Session", f'<a href="/session?sid={server.next_id()}">Again</a> <a href="/">Home</a>')


def _calendar(server: HostileServer, req: Request) -> str:
    month = int(req.query.get("month", ["0"])[0])
    # A year view: twelve months ahead, for ever.
    links = " ".join(f'<a href="/calendar?month={month + k}">Month {month + k}</a>' for k in range(1, 13))
    return html(f"Calendar {month}", links)


def _repeating(server: HostileServer, req: Request) -> str:
    return html("Again", '<a href="a/">Deeper</a>')  # relative: /a/ -> /a/a/ -> /a/a/a/ ...


def dynamic(render: Callable[[HostileServer, Request], str]) -> Handler:
    async def handler(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
        await send(w, render(server, req))

    return handler


async def many_links(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    # 10,000 links to 40 pages (fragments differ): link extraction and de-duplication at scale,
    # without spending the test's page budget on 10,000 fetches.
    links = "\n".join(f'<li><a href="/many/{i % 40}#item-{i}">Item {i}</a></li>' for i in range(10_000))
    await send(w, html("10,000 links", f"<ul>{links}</ul>"))


async def huge_dom(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    cells = "".join(f"<span>{i}</span>" for i in range(100_000))
    await send(w, html("Huge DOM", f"<div>{cells}</div>"))


async def deep_nesting(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, html("Deep", "<div>" * 20_000 + "bottom" + "</div>" * 20_000))


async def big_inline_script(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    script = "var data = [" + ",".join("1234567" for _ in range(5 * 1024**2 // 8)) + "];"
    await send(w, html("Big script", "<p>text</p>", head=f"<script>{script}</script>"))


def _binary() -> bytes:
    # Deterministic bytes with NULs and every other value: what a misconfigured file server sends.
    return bytes((i * 7919 + 13) % 256 for i in range(300_000))


MALFORMED = (
    b"<html><head><title>Broken<body><div><p>unclosed <b>bold <i>italic <table><tr><td>cell"
    b"<a href='/'>home<a href=\"/malformed?x=1\x00\">nul\x00byte</a><script>var x = '</scr' + 'ipt>';"
    b"</div></div></div></span><!-- never closed comment <p>"
)


# --- the server -------------------------------------------------------------------------------


class HostileServer:
    """`with HostileServer() as server: server.url("/")`; `server.behaviours` lists every path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.port = 0
        self._ids = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="hostile-server")
        self._tasks: set[asyncio.Task[None]] = set()
        self.behaviours = self._behaviours()
        self._routes = {urlsplit(b.path).path: b.handler for b in self.behaviours}
        self._routes.update(self._hidden_routes())

    def next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def _behaviours(self) -> list[Behaviour]:
        js = "<p>still here</p>"
        return [
            # transport and size
            Behaviour("/endless", "Endless chunked response", endless_chunked),
            Behaviour("/drip", "One byte per second", one_byte_per_second),
            Behaviour("/gigabyte", "1 GB body with Content-Length", gigabyte),
            Behaviour("/gigabyte-unannounced", "1 GB body, no Content-Length", gigabyte_unannounced),
            Behaviour("/gzip-bomb", "Gzip bomb (250 KB to 256 MB)", gzip_bomb_page),
            Behaviour("/deflate-bomb", "Deflate bomb (64 KB to 64 MB)", deflate_bomb),
            Behaviour("/bad-gzip", "Content-Encoding gzip that is not gzip", bad_encoding),
            Behaviour("/unasked-br", "Content-Encoding br never asked for", unknown_encoding),
            Behaviour("/reset-mid-body", "Connection reset in the middle of the body", reset_mid_body),
            Behaviour("/close-no-response", "Connection closed without a response", close_without_response),
            Behaviour("/reset-no-response", "Connection reset without a response", reset_without_response),
            Behaviour("/slow-headers", "Hangs before sending headers", slow_headers),
            Behaviour("/short-body", "Body shorter than Content-Length", short_body),
            Behaviour("/not-http", "Garbage instead of a status line", garbage_status_line),
            Behaviour("/huge-header", "A 200 KB response header", huge_header),
            Behaviour("/big-inline-script", "5 MB inline script", big_inline_script),
            # redirects and addresses
            Behaviour("/redirect-loop", "Redirect loop", redirect("/redirect-loop-b")),
            Behaviour("/redirect-chain?n=0", "Endless redirect chain", redirect(_chain_next, 301)),
            Behaviour("/redirect-private", "Redirect to localhost (private, by name)", redirect(_private_by_name)),
            Behaviour("/redirect-loopback-2", "Redirect to 127.0.0.2", redirect(_private_other_loopback)),
            Behaviour("/redirect-ftp", "Redirect to ftp://", redirect("ftp://127.0.0.1/file")),
            Behaviour("/redirect-no-location", "302 without Location", fixed("", 302)),
            Behaviour("/meta-refresh", "Meta refresh to itself", fixed(self._meta_refresh())),
            # HTTP errors and walls
            Behaviour("/error-500", "500 Internal Server Error", fixed(html("Oops", "<p>500</p>"), 500)),
            Behaviour(
                "/unavailable", "503 with Retry-After", fixed(html("Busy", "<p>later</p>"), 503, Retry_After="1")
            ),
            Behaviour(
                "/too-many", "429 with Retry-After", fixed(html("Slow down", "<p>later</p>"), 429, Retry_After="1")
            ),
            Behaviour("/waf", "403 WAF page", fixed(html("Access denied", "<p>Request blocked by WAF</p>"), 403)),
            Behaviour("/captcha", "CAPTCHA challenge page", fixed(self._captcha())),
            Behaviour("/account", "Login wall (redirect to a sign-in form)", redirect("/login")),
            Behaviour("/legal", "451 unavailable for legal reasons", fixed(html("Blocked", "<p>451</p>"), 451)),
            # content
            Behaviour("/wrong-charset", "Declared UTF-8, sent windows-1251", fixed(self._cyrillic("cp1251"))),
            Behaviour("/no-charset", "No charset, Latin-1 bytes", fixed(self._latin1(), content_type="text/html")),
            Behaviour(
                "/unknown-charset",
                "charset=x-klingon",
                fixed(html("Klingon", "<p>ok</p>"), 200, "text/html; charset=x-klingon"),
            ),
            Behaviour("/binary", "Binary served as text/html", fixed(_binary(), content_type="text/html")),
            Behaviour("/malformed", "Malformed HTML with NULs", fixed(MALFORMED, content_type="text/html")),
            Behaviour("/empty", "Empty 200", fixed(b"")),
            Behaviour("/many-links", "10,000 links on a page", many_links),
            Behaviour("/huge-dom", "100,000 DOM nodes", huge_dom),
            Behaviour("/deep-nesting", "20,000 nested divs", deep_nesting),
            Behaviour("/doc.pdf", "A PDF document", fixed(self._pdf(), content_type="application/pdf")),
            Behaviour("/data.csv", "A CSV document", fixed("id,name\n1,Ann\n2,Bo\n", content_type="text/csv")),
            Behaviour(
                "/attachment",
                "Download (Content-Disposition: attachment)",
                fixed(b"PK\x03\x04zip", content_type="application/zip", Content_Disposition='attachment; f="a.zip"'),
            ),
            Behaviour(
                "/html-attachment",
                "HTML served as attachment",
                fixed(html("Attachment", "<p>x</p>"), Content_Disposition='attachment; filename="a.html"'),
            ),
            # crawler traps
            Behaviour("/calendar?month=0", "Infinite calendar", dynamic(_calendar)),
            Behaviour("/a/", "Repeating path segments", dynamic(_repeating)),
            Behaviour("/session?sid=0", "Session id in every URL", dynamic(_session_page)),
            # JavaScript
            Behaviour("/js-loop", "JS infinite loop", fixed(html("Loop", "<script>while (true) {}</script>" + js))),
            Behaviour(
                "/js-loop-later",
                "JS infinite loop after load",
                fixed(html("Loop later", js + "<script>onload = () => setTimeout(() => { for (;;) {} }, 50)</script>")),
            ),
            Behaviour(
                "/dialogs",
                "alert/confirm/prompt storm",
                fixed(
                    html(
                        "Dialogs",
                        js + "<script>for (let i = 0; i < 300; i++) { alert(i); confirm(i); prompt(i); }</script>",
                    )
                ),
            ),
            Behaviour(
                "/dialogs-forever",
                "alert() for ever",
                fixed(html("Dialogs forever", js + "<script>for (;;) alert('again');</script>")),
            ),
            Behaviour(
                "/popups",
                "window.open storm",
                fixed(
                    html(
                        "Popups",
                        js + "<script>for (let i = 0; i < 200; i++) window.open('/popup-target?' + i);</script>",
                    )
                ),
            ),
            Behaviour(
                "/js-download",
                "JS-triggered download",
                fixed(
                    html(
                        "Download",
                        js + "<script>const a = document.createElement('a');"
                        "a.href = '/attachment'; a.download = 'x.zip'; document.body.append(a); a.click();"
                        "</script>",
                    )
                ),
            ),
            Behaviour(
                "/navigate-away",
                "Navigates away on load",
                fixed(html("Going", js + "<script>onload = () => { location.href = '/landing'; }</script>")),
            ),
            Behaviour(
                "/navigate-loop",
                "Navigates to itself for ever",
                fixed(html("Again", js + "<script>setTimeout(() => location.reload(), 10)</script>")),
            ),
            Behaviour(
                "/js-private",
                "JS fetch and navigation to localhost",
                dynamic(self._js_private),
            ),
            Behaviour(
                "/never-loads",
                "Load event never fires (image hangs)",
                fixed(html("Pending", js + '<img src="/hang-forever.png" alt="">')),
            ),
            Behaviour(
                "/dom-churn",
                "DOM never quiet",
                fixed(
                    html(
                        "Churn",
                        js + "<div id=c></div><script>setInterval(() => "
                        "{ document.getElementById('c').textContent = Math.random(); }, 20)</script>",
                    )
                ),
            ),
            Behaviour(
                "/memory-hog",
                "JS allocates memory for ever",
                fixed(
                    html(
                        "Hog",
                        js + "<script>const keep = []; setInterval(() => "
                        "{ for (let i = 0; i < 20; i++) keep.push(new Array(1e6).fill(i)); }, 10)</script>",
                    )
                ),
            ),
            Behaviour(
                "/beforeunload",
                "beforeunload prompt",
                fixed(
                    html(
                        "Stay",
                        js + "<script>onbeforeunload = e => { e.preventDefault(); "
                        "e.returnValue = 'stay'; return 'stay'; }</script>",
                    )
                ),
            ),
            Behaviour(
                "/history-storm",
                "history.pushState storm",
                fixed(
                    html(
                        "History",
                        js + "<script>for (let i = 0; i < 5000; i++) history.pushState({}, '', '?p=' + i);</script>",
                    )
                ),
            ),
        ]

    def _hidden_routes(self) -> dict[str, Handler]:
        """Targets the behaviours lead to; not linked from the home page."""
        ok = fixed(html("Fine", "<p>fine</p>"))
        return {
            "/": dynamic(self._home),
            "/robots.txt": fixed("User-agent: *\nAllow: /\n", content_type="text/plain"),
            "/redirect-loop-b": redirect("/redirect-loop"),
            "/redirect-chain": redirect(_chain_next, 301),
            "/login": fixed(
                html(
                    "Sign in",
                    '<form method="post"><label for="u">User</label><input id="u" name="u">'
                    '<label for="p">Password</label><input id="p" type="password" name="p"></form>',
                )
            ),
            "/landing": ok,
            "/hang-forever.png": hang_subresource,
            "/private-target": ok,
            "/private-xhr": ok,
            "/private-nav": ok,
            "/popup-target": ok,
            "/calendar": dynamic(_calendar),
            "/session": dynamic(_session_page),
            "/many": ok,  # /many/N: see _route
        }

    def _home(self, server: HostileServer, req: Request) -> str:
        items = "\n".join(f'<li><a href="{b.path}">{b.title}</a></li>' for b in self.behaviours)
        return html("Hostile server", f"<ul>{items}</ul>")

    def _js_private(self, server: HostileServer, req: Request) -> str:
        base = f"http://localhost:{self.port}"
        return html(
            "Private from JS",
            "<p>still here</p>"
            f"<img src='{base}/private-target' alt=''>"
            f"<script>fetch('{base}/private-xhr').catch(() => {{}});"
            f"setTimeout(() => {{ location.href = '{base}/private-nav'; }}, 50);</script>",
        )

    @staticmethod
    def _meta_refresh() -> str:
        return html("Refresh", "<p>refreshing</p>", head='<meta http-equiv="refresh" content="0; url=/meta-refresh">')

    @staticmethod
    def _captcha() -> str:
        return html(
            "Just a moment...",
            '<div class="g-recaptcha" data-sitekey="x"></div><p>Please verify you are a human.</p>',
        )

    @staticmethod
    def _cyrillic(codec: str) -> bytes:
        text = html("Правительство", "<p>Государственные услуги онлайн</p>").replace('<meta charset="utf-8">', "")
        return text.encode(codec)

    @staticmethod
    def _latin1() -> bytes:
        text = html("Gouvernement", "<p>Démarches en ligne, état civil, élections</p>")
        return text.replace('<meta charset="utf-8">', "").encode("latin-1")

    @staticmethod
    def _pdf() -> bytes:
        return (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        )

    # --- plumbing -----------------------------------------------------------------------------

    def _route(self, path: str) -> Handler | None:
        if path in self._routes:
            return self._routes[path]
        if path.startswith("/many/"):
            return self._routes["/many"]
        if path.startswith("/a/"):
            return self._routes["/a/"]
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, *_ = [*lines[0].split(" "), "", ""]
            headers = {}
            for line in lines[1:]:
                key, _, value = line.partition(":")
                if key:
                    headers[key.strip().lower()] = value.strip()
            parts = urlsplit(target)
            request = Request(method, target, parts.path, parse_qs(parts.query), headers)
            with self._lock:
                self.hits[parts.path] += 1
            handler = self._route(parts.path)
            if handler is None:
                await send(writer, html("Not found", "<p>404</p>"), 404)
            else:
                await handler(self, request, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass  # the client hung up (what a capped reader does) or the server is stopping
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()

    def __enter__(self) -> HostileServer:
        # The bomb is compressed before the clock of any test starts, and only by a server that serves it:
        # a site of a test's own routes (sites.py) has no use for it.
        if gzip_bomb_page in self._routes.values():
            gzip_bomb()
        self._thread.start()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=256 * 1024)

        self._server = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


if __name__ == "__main__":  # serve by hand: python -m tests.hostile.server
    with HostileServer() as hostile:
        print(f"{len(hostile.behaviours)} behaviours at {hostile.url('/')}", flush=True)
        threading.Event().wait()
