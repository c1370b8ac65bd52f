"""HTTP fetching with httpx: every hop checked by the address guard, bodies capped."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost
from crawler.snapshot import ScanStatus

DEFAULT_USER_AGENT = "govaudit/0.1 (+https://github.com/govaudit/govaudit; accessibility and e-government survey)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


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

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know: fall back rather than fail
            return self.body.decode("utf-8", errors="replace")


@dataclass
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    retries: int = 2


class Fetcher:
    """One httpx client per crawl. Redirects are followed by hand so every hop is guarded."""

    def __init__(self, guard: AddressGuard, settings: FetchSettings | None = None) -> None:
        self.guard = guard
        self.settings = settings or FetchSettings()
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.settings.timeout_s),
            headers={"User-Agent": self.settings.user_agent},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def fetch(self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> FetchResult:
        started = time.perf_counter()
        chain: list[str] = []
        current = url
        try:
            for _ in range(self.settings.max_redirects + 1):
                parts = urlsplit(current)
                await self.guard.check(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
                response_headers, code, body, reason = await self._one_request(method, current, headers)
                if code in REDIRECT_CODES and "location" in response_headers:
                    chain.append(current)
                    current = urljoin(current, response_headers["location"])
                    if current in chain:
                        return self._result(
                            url,
                            current,
                            ScanStatus.REDIRECT_LOOP,
                            started,
                            chain,
                            code,
                            f"redirect loop at {current}",
                        )
                    continue
                status = ScanStatus.OK if code < 400 else ScanStatus.HTTP_ERROR
                if code in (401, 403):
                    status = ScanStatus.BLOCKED
                if reason:
                    status = ScanStatus.TOO_LARGE
                result = self._result(url, current, status, started, chain, code, reason or "")
                result.headers, result.body = response_headers, body
                return result
            return self._result(
                url,
                current,
                ScanStatus.REDIRECT_LOOP,
                started,
                chain,
                None,
                f"more than {self.settings.max_redirects} redirects",
            )
        except BlockedAddress as exc:
            return self._result(url, current, ScanStatus.BLOCKED_ADDRESS, started, chain, None, str(exc))
        except UnresolvableHost as exc:
            return self._result(url, current, ScanStatus.ERROR, started, chain, None, str(exc))
        except httpx.TimeoutException:
            return self._result(
                url,
                current,
                ScanStatus.TIMEOUT,
                started,
                chain,
                None,
                f"no complete answer within {self.settings.timeout_s:g} s",
            )
        except httpx.HTTPError as exc:
            return self._result(
                url,
                current,
                ScanStatus.ERROR,
                started,
                chain,
                None,
                f"{type(exc).__name__}: {exc}".rstrip(": "),
            )

    async def _one_request(
        self, method: str, url: str, headers: dict[str, str] | None
    ) -> tuple[dict[str, str], int, bytes, str]:
        """One request, retried on connection failures only (never on an HTTP answer)."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((httpx.ConnectError, httpx.RemoteProtocolError)),
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                async with self._client.stream(method, url, headers=headers) as response:
                    body, reason = await self._read_capped(response)
                    return (
                        {k.lower(): v for k, v in response.headers.items()},
                        response.status_code,
                        body,
                        reason,
                    )
        raise AssertionError("unreachable: tenacity reraises")

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, str]:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.settings.max_bytes:
                return b"".join(chunks), f"body larger than {self.settings.max_bytes} bytes"
            chunks.append(chunk)
        return b"".join(chunks), ""

    @staticmethod
    def _result(
        url: str,
        final: str,
        status: ScanStatus,
        started: float,
        chain: list[str],
        code: int | None,
        reason: str,
    ) -> FetchResult:
        return FetchResult(
            requested_url=url,
            final_url=final,
            status=status,
            status_code=code,
            reason=reason,
            redirect_chain=tuple(chain),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
