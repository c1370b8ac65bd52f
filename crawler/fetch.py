"""HTTP fetching with httpx: every hop checked by the address guard, bodies capped."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import sys
import time
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost, port_of
from crawler.snapshot import ScanStatus

DEFAULT_USER_AGENT = "govaudit/0.1 (+https://github.com/govaudit/govaudit; accessibility and e-government survey)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Only encodings we decode ourselves, with a bound on the output (see _BoundedDecoder): httpx would
# inflate a whole network chunk at once, and 64 KB of a gzip bomb is 64 MB.
ACCEPT_ENCODING = "gzip, deflate"
# Each inflate step yields at most this much, so a bomb costs one step's memory before the cap trips.
_INFLATE_STEP = 256 * 1024


_KEPT_FIRST = "body read in part"  # an internal marker between _one_request and _settled


class _TooLarge(Exception):
    """The (decoded) body passed max_bytes."""


class _BadEncoding(Exception):
    """A Content-Encoding we did not ask for, or bytes that are not what it says."""


class _BoundedDecoder:
    """gzip / deflate decoding that never produces more than `limit` bytes in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        # 47 = zlib or gzip header; deflate servers send zlib-wrapped or raw data, tried in that order.
        self._inflater = zlib.decompressobj(47 if encoding in ("gzip", "x-gzip") else 15)
        self._raw_fallback = encoding == "deflate"
        self._started = False

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        while data:
            try:
                piece = self._inflater.decompress(data, _INFLATE_STEP)
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    self._raw_fallback, self._inflater = False, zlib.decompressobj(-15)
                    continue
                raise _BadEncoding(f"body is not valid {self.encoding}: {exc}") from exc
            self._started = True
            self.size += len(piece)
            if self.size > self.limit:
                raise _TooLarge(f"body larger than {self.limit} bytes once decompressed ({self.encoding})")
            out.append(piece)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                break
        return out


@dataclass(slots=True)
class FetchResult:
    requested_url: str
    final_url: str
    status: ScanStatus
    status_code: int | None = None
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirect_chain: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    truncated: bool = False  # only the first bytes asked for were read (Fetcher.fetch keep_first)
    # The whole decoded body's size and SHA-256, when only its first max_html_bytes were kept.
    full_size: int = 0
    full_sha256: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        """The body as text, decoded as a browser would: BOM, then the header's charset, then
        <meta charset>, then UTF-8 if the bytes are valid UTF-8, else windows-1252 (what an
        undeclared Latin-1 page is). An unknown charset falls through to the next clue."""
        return _decoded(self.headers.get("content-type"), self.body)


@dataclass
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 20.0  # connect, and each read: httpx's timeouts are per operation
    # The whole fetch (every redirect hop and retry) ends within this: a server sending one byte
    # every few seconds never trips a per-read timeout.
    deadline_s: float = 60.0
    max_bytes: int = 10_000_000  # decoded bytes: a gzip bomb is cut here, not at its wire size
    # Of an HTML body, only this much is kept (the rest is read, hashed and counted against
    # max_bytes): what the parser reads at most, so the pages in flight hold no more than that each.
    max_html_bytes: int = 2_000_000
    max_redirects: int = 10
    retries: int = 2
    # Sent with every request (a site's preview token, a logged-in session): see crawler/login.py.
    headers: dict[str, str] = field(default_factory=dict)
    cookies: tuple[dict[str, Any], ...] = ()  # name, value, domain, path (Playwright's shape)


@cache
def tls_context() -> ssl.SSLContext:
    """The one TLS context of the process's https requests, made on the first of them: httpx's own
    default (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR), verification on. Loading the roots
    costs as much CPU as a recrawl spends on many pages: a crawl of an http site loads none, and
    every later crawl of the process shares this one."""
    return httpx.create_ssl_context()


def _import_httpcore() -> None:
    """httpcore, imported with trio out of its sight.

    Why: httpcore imports trio at import time whenever trio is installed (selenium depends on it),
    only to support running under trio, which govaudit never does (it runs under asyncio); that
    import is a sizeable share of a short recrawl's CPU (bench/RESULTS.md, "Recrawl made cheaper").
    httpcore handles an install without trio itself (`except ImportError: trio = None`), so a None
    in sys.modules, which makes `import trio` raise ImportError, sends it down that path. The entry
    is removed at once, so anyone else's `import trio` works as before. Called where httpx would
    import httpcore anyway (the first Fetcher); if trio is already imported, hiding it saves nothing."""
    if "httpcore" in sys.modules or "trio" in sys.modules:
        return
    sys.modules["trio"] = None  # type: ignore[assignment]  # None in sys.modules is how Python spells "not importable"
    try:
        import httpcore  # noqa: F401
    finally:
        del sys.modules["trio"]  # anyone else's `import trio` works as before


UNFOLLOWABLE = "x-govaudit-unfollowable-location"


def _hide_unfollowable_location(request: httpx.Request, response: httpx.Response) -> None:
    """A Location no HTTP request can follow (mailto:, javascript:, data:, "http:x") moves to a header
    of our own: httpx builds the next request from Location even when it does not follow redirects,
    and raises InvalidURL out of the request it already has an answer to."""
    location = response.headers.get("location")
    if location is None or response.status_code not in REDIRECT_CODES:
        return
    try:
        problem = _unfetchable(str(request.url.join(location)))
    except httpx.InvalidURL as exc:
        problem = f"invalid URL ({exc})"
    if problem:
        del response.headers["location"]
        response.headers[UNFOLLOWABLE] = f"{problem}|{location}"


class _Transport(httpx.AsyncBaseTransport):
    """http:// and https:// in a connection pool each; the https one, with `tls_context()`, is made
    by the first https request."""

    def __init__(self) -> None:
        _import_httpcore()
        # No request to this pool uses TLS: its context trusts no root at all (verification on),
        # rather than loading them all for nothing.
        self._plain = httpx.AsyncHTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        self._tls: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme != "https":
            response = await self._plain.handle_async_request(request)
        else:
            if self._tls is None:
                self._tls = httpx.AsyncHTTPTransport(verify=tls_context())
            response = await self._tls.handle_async_request(request)
        _hide_unfollowable_location(request, response)
        return response

    async def aclose(self) -> None:
        await self._plain.aclose()
        if self._tls is not None:
            await self._tls.aclose()


class Fetcher:
    """One httpx client per crawl. Redirects are followed by hand so every hop is guarded."""

    def __init__(self, guard: AddressGuard, settings: FetchSettings | None = None) -> None:
        self.guard = guard
        self.settings = settings or FetchSettings()
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.settings.timeout_s),
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept-Encoding": ACCEPT_ENCODING,
                **self.settings.headers,
            },
            transport=_Transport(),
        )
        for cookie in self.settings.cookies:
            self._client.cookies.set(
                cookie["name"], cookie["value"], domain=cookie.get("domain", ""), path=cookie.get("path", "/")
            )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        keep_first: int | None = None,
    ) -> FetchResult:
        """The answer to `url`, redirects followed. `keep_first`: read only that many (decoded) bytes
        of the body and keep them (`truncated` says so) instead of refusing a larger body (robots.txt
        is read as Google reads it: its first 500 KiB)."""
        trail = _Trail(url)
        try:
            async with asyncio.timeout(self.settings.deadline_s):
                return await self._fetch(trail, method, headers, keep_first)
        except TimeoutError:
            why = f"no complete answer within the {self.settings.deadline_s:g} s deadline"
            return trail.result(ScanStatus.TIMEOUT, why, final=url)

    async def _fetch(
        self, trail: _Trail, method: str, headers: dict[str, str] | None, keep_first: int | None
    ) -> FetchResult:
        if problem := _unfetchable(trail.url):
            return trail.result(ScanStatus.ERROR, f"cannot request {trail.url[:200]!r}: {problem}")
        try:
            for _ in range(self.settings.max_redirects + 1):
                parts = urlsplit(trail.current)
                await self.guard.check(parts.hostname or "", port_of(parts))
                answer = await self._one_request(method, trail.current, headers, keep_first)
                if (result := _settled(trail, answer, keep_first)) is not None:
                    return result
            return trail.result(ScanStatus.REDIRECT_LOOP, f"more than {self.settings.max_redirects} redirects")
        except (BlockedAddress, UnresolvableHost, httpx.InvalidURL, ValueError, httpx.HTTPError) as exc:
            return trail.result(*self._failure(exc))

    def _failure(self, exc: Exception) -> tuple[ScanStatus, str]:
        """The status and reason of a fetch that raised before an answer could be used."""
        if isinstance(exc, BlockedAddress):
            return ScanStatus.BLOCKED_ADDRESS, str(exc)
        if isinstance(exc, UnresolvableHost):
            return ScanStatus.ERROR, str(exc)
        if isinstance(exc, httpx.InvalidURL | ValueError):
            # httpx reads a redirect's Location even when it does not follow it ("http:x" fails there).
            return ScanStatus.ERROR, f"invalid URL in the request or its redirect: {exc}"
        if isinstance(exc, httpx.TimeoutException):
            return ScanStatus.TIMEOUT, f"no complete answer within {self.settings.timeout_s:g} s"
        return ScanStatus.ERROR, f"{type(exc).__name__}: {exc}".rstrip(": ")

    async def _one_request(
        self, method: str, url: str, headers: dict[str, str] | None, keep_first: int | None = None
    ) -> _Answer:
        """One request, retried on connection failures only (never on an HTTP answer). The answer
        carries a status and a reason when the body could not be taken whole."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((httpx.ConnectError, httpx.RemoteProtocolError)),
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                async with self._client.stream(method, url, headers=headers) as response:
                    answer = _Answer({k.lower(): v for k, v in response.headers.items()}, response.status_code)
                    try:
                        if keep_first is not None:
                            answer.body, cut = await self._read_first(response, keep_first)
                            answer.reason = _KEPT_FIRST if cut else ""
                        else:
                            answer.body, (answer.full_size, answer.full_sha256) = await self._read_capped(response)
                    except _TooLarge as exc:
                        answer.status, answer.reason = ScanStatus.TOO_LARGE, str(exc)
                    except _BadEncoding as exc:
                        answer.status, answer.reason = ScanStatus.ERROR, str(exc)
                    return answer
        raise AssertionError("unreachable: tenacity reraises")

    async def _read_first(self, response: httpx.Response, limit: int) -> tuple[bytes, bool]:
        """The first `limit` decoded bytes of the body, and whether there was more (then the rest is
        never read: the connection is closed)."""
        decoders = _decoders(response, limit + _INFLATE_STEP)
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                pieces = [raw]
                for decoder in decoders:
                    pieces = [out for piece in pieces for out in decoder.feed(piece)]
                for piece in pieces:
                    chunks.append(piece[: limit - size])
                    size += len(piece)
                    if size > limit:
                        return b"".join(chunks), True
        except _TooLarge:  # a decoder passed limit + one step: there was more
            return b"".join(chunks)[:limit], True
        return b"".join(chunks), False

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, tuple[int, str]]:
        """The decoded body (of HTML, its first max_html_bytes) with the whole body's size and
        SHA-256, or _TooLarge as soon as it (announced, on the wire or decoded) passes max_bytes.
        Raw bytes are read and decoded here, step by bounded step."""
        limit = self.settings.max_bytes
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > limit:
            raise _TooLarge(f"body larger than {limit} bytes (Content-Length {announced})")
        decoders = _decoders(response, limit)
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        keep = self.settings.max_html_bytes if kind in ("text/html", "application/xhtml+xml") else limit
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        wire = size = kept = 0
        async for raw in response.aiter_raw():
            wire += len(raw)
            if wire > limit:
                raise _TooLarge(f"body larger than {limit} bytes")
            pieces = [raw]
            for decoder in decoders:
                pieces = [out for piece in pieces for out in decoder.feed(piece)]
            for piece in pieces:
                size += len(piece)
                if size > limit:
                    raise _TooLarge(f"body larger than {limit} bytes")
                digest.update(piece)
                if kept < keep:
                    chunks.append(piece[: keep - kept])
                    kept += len(chunks[-1])
        return b"".join(chunks), (size, digest.hexdigest())


@dataclass(slots=True)
class _Answer:
    """One HTTP answer as read: `status` is set (with `reason`) when its body could not be taken."""

    headers: dict[str, str]
    code: int
    body: bytes = b""
    reason: str = ""
    status: ScanStatus | None = None
    full_size: int = 0  # of the whole decoded body, when only its first bytes were kept
    full_sha256: str = ""


@dataclass(slots=True)
class _Trail:
    """One fetch on its way: the URL asked for, the redirects taken, the URL asked now."""

    url: str
    current: str = ""
    chain: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self.current = self.current or self.url

    def result(self, status: ScanStatus, reason: str, code: int | None = None, *, final: str = "") -> FetchResult:
        return FetchResult(
            requested_url=self.url,
            final_url=final or self.current,
            status=status,
            status_code=code,
            reason=reason,
            redirect_chain=tuple(self.chain),
            elapsed_ms=(time.perf_counter() - self.started) * 1000,
        )


def _settled(trail: _Trail, answer: _Answer, keep_first: int | None) -> FetchResult | None:
    """The fetch's result from this answer, or None when it is a redirect to follow (then
    `trail.current` is the next URL to ask)."""
    code, headers = answer.code, answer.headers
    if answer.status is not None:  # too large, or an encoding we cannot read
        result = trail.result(answer.status, answer.reason, code)
        result.headers = headers
        return result
    if code in REDIRECT_CODES and UNFOLLOWABLE in headers:
        problem, _, location = headers.pop(UNFOLLOWABLE).partition("|")
        return trail.result(ScanStatus.ERROR, f"HTTP {code} redirect to {location[:200]!r}: {problem}", code)
    if code in REDIRECT_CODES and "location" in headers:
        return _redirected(trail, code, headers["location"])
    status, why = (ScanStatus.OK, "") if code < 400 else (ScanStatus.HTTP_ERROR, f"HTTP {code}")
    if code in (401, 403):
        status = ScanStatus.BLOCKED
    elif code in REDIRECT_CODES:  # a redirect that says nowhere: nothing to show
        status, why = ScanStatus.HTTP_ERROR, f"HTTP {code} without a Location header"
    result = trail.result(status, why, code)
    result.headers, result.body = headers, answer.body
    result.truncated = keep_first is not None and answer.reason == _KEPT_FIRST
    if answer.full_size > len(answer.body):
        result.full_size, result.full_sha256 = answer.full_size, answer.full_sha256
    return result


def _redirected(trail: _Trail, code: int, location: str) -> FetchResult | None:
    """Moves the trail on to `location`; a result instead when it cannot be followed or loops."""
    trail.chain.append(trail.current)
    target = urljoin(trail.current, location)
    if problem := _unfetchable(target):
        return trail.result(ScanStatus.ERROR, f"HTTP {code} redirect to {location[:200]!r}: {problem}", code)
    trail.current = target
    if target in trail.chain:
        return trail.result(ScanStatus.REDIRECT_LOOP, f"redirect loop at {target}", code)
    return None


def _decoders(response: httpx.Response, limit: int) -> list[_BoundedDecoder]:
    """The decoders of the body's Content-Encoding, each bounded by `limit`; _BadEncoding for a
    coding that was not asked for."""
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if any(c not in ("gzip", "x-gzip", "deflate") for c in codings):
        raise _BadEncoding(f"Content-Encoding {', '.join(codings)} was not asked for ({ACCEPT_ENCODING})")
    # Content-Encoding lists codings in the order applied: undo them last to first.
    return [_BoundedDecoder(c, limit) for c in reversed(codings)]


def _unfetchable(url: str) -> str:
    """Why a URL cannot be requested over HTTP (a redirect to mailto:, javascript:, data:, tel:,
    about:, ftp:, or one with no host or a bad port), or "" when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        return f"invalid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"not an http(s) URL ({parts.scheme or 'no scheme'})"
    if not parts.hostname:
        return "no host in the URL"
    return ""


def _decoded(content_type: str | None, body: bytes) -> str:
    """What w3lib's html_to_unicode did with our fallback (it deprecated the fallback in 2.6, for a guess
    from the bytes and the domain), from the w3lib pieces it is made of."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_encoding)
    encoding = http_content_type_encoding(content_type) or html_body_declared_encoding(body) or _utf8_or_1252(body)
    if encoding in {"utf-16", "utf-32"}:  # no BOM: big-endian, as the standard says
        encoding += "-be"
    return to_unicode(body, encoding)


def _utf8_or_1252(body: bytes) -> str:
    """Encoding of a page that declares none: UTF-8 if it decodes as such, else windows-1252."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"
