import asyncio
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler import fetch as fetch_module
from crawler.addresses import AddressGuard
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.snapshot import ScanStatus
from tests.localserver import LocalServer, Response


def fetch(server: LocalServer, path: str, **settings: object) -> FetchResult:
    guard = AddressGuard(allowed_hosts=frozenset({"127.0.0.1"}))

    async def go() -> FetchResult:
        async with Fetcher(guard, FetchSettings(**settings)) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(server.url(path))

    return asyncio.run(go())


def test_redirect_chain_and_final_url_are_recorded() -> None:
    routes = {
        "/old": Response(status=301, headers={"Location": "/new"}),
        "/new": Response(status=302, headers={"Location": "/final"}),
        "/final": Response("<p>here</p>"),
    }
    with LocalServer(routes) as server:
        result = fetch(server, "/old")
    assert result.status is ScanStatus.OK
    assert result.final_url == server.url("/final")
    assert result.redirect_chain == (server.url("/old"), server.url("/new"))


def test_redirect_loop_ends_with_its_status() -> None:
    routes = {
        "/a": Response(status=302, headers={"Location": "/b"}),
        "/b": Response(status=302, headers={"Location": "/a"}),
    }
    with LocalServer(routes) as server:
        result = fetch(server, "/a")
    assert result.status is ScanStatus.REDIRECT_LOOP
    assert "/a" in result.reason


def test_redirect_into_a_non_allowed_private_address_is_blocked_before_sending() -> None:
    # The start host 127.0.0.1 is allowed; "localhost" resolves to loopback and is not.
    with LocalServer({}) as target:
        routes = {
            "/go": Response(status=302, headers={"Location": target.url("/secret").replace("127.0.0.1", "localhost")})
        }
        with LocalServer(routes) as server:
            result = fetch(server, "/go")
        assert result.status is ScanStatus.BLOCKED_ADDRESS
        assert target.hits == {}


def test_body_over_the_limit_is_cut_and_flagged() -> None:
    with LocalServer({"/big": Response("x" * 50_000)}) as server:
        result = fetch(server, "/big", max_bytes=10_000)
    assert result.status is ScanStatus.TOO_LARGE
    assert len(result.body) <= 10_000 + 65_536


def test_http_errors_and_refusals_have_their_own_status() -> None:
    routes = {"/forbidden": Response("no", status=403), "/broken": Response("oops", status=500)}
    with LocalServer(routes) as server:
        assert fetch(server, "/forbidden").status is ScanStatus.BLOCKED
        assert fetch(server, "/broken").status is ScanStatus.HTTP_ERROR
        assert fetch(server, "/missing").status_code == 404


def test_a_closed_port_is_an_error_not_an_exception() -> None:
    server = LocalServer({})
    port = server.base_url  # never started: nothing listens there
    server._httpd.server_close()
    guard = AddressGuard(allow_private=True)

    async def go() -> FetchResult:
        async with Fetcher(guard, FetchSettings(retries=0)) as fetcher:
            return await fetcher.fetch(port + "/")

    result = asyncio.run(go())
    assert result.status is ScanStatus.ERROR
    assert "Connect" in result.reason


def test_declared_charset_is_honoured() -> None:
    body = "<p>Président</p>".encode("iso-8859-1")
    routes = {"/latin": Response(body, headers={"Content-Type": "text/html; charset=iso-8859-1"})}
    with LocalServer(routes) as server:
        assert "Président" in fetch(server, "/latin").text


def test_user_agent_names_govaudit() -> None:
    seen: list[str] = []

    def record(handler) -> Response:  # type: ignore[no-untyped-def]
        seen.append(handler.headers["User-Agent"])
        return Response("ok")

    with LocalServer({"/": record}) as server:
        fetch(server, "/")
    assert seen and seen[0].startswith("govaudit/") and "+http" in seen[0]


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A LocalServer speaking TLS with a self-signed certificate for 127.0.0.1: (its https base URL,
    the certificate's file)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = LocalServer({"/": Response("<p>over TLS</p>")})
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
    with server:
        yield server.base_url.replace("http://", "https://"), cert


def fetch_url(url: str) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(AddressGuard(allowed_hosts=frozenset({"127.0.0.1"})), FetchSettings(retries=0)) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_an_http_crawl_builds_no_tls_context() -> None:
    fetch_module.tls_context.cache_clear()
    with LocalServer({"/": Response("ok")}) as server:
        assert fetch(server, "/").status is ScanStatus.OK
    assert fetch_module.tls_context.cache_info().currsize == 0


def test_https_verifies_certificates_with_one_shared_context(
    https_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, cert = https_server
    # The default context (certifi's roots) does not trust a self-signed certificate.
    fetch_module.tls_context.cache_clear()
    refused = fetch_url(base + "/")
    assert refused.status is ScanStatus.ERROR and "CERTIFICATE_VERIFY_FAILED" in refused.reason
    # Roots that include it: fetched, and every Fetcher of the process uses the one context.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    fetch_module.tls_context.cache_clear()
    try:
        first, second = fetch_url(base + "/"), fetch_url(base + "/")
        assert first.status is ScanStatus.OK and "over TLS" in first.text and second.status is ScanStatus.OK
        made = fetch_module.tls_context.cache_info()
        assert (made.misses, made.hits) == (1, 1)
    finally:
        fetch_module.tls_context.cache_clear()  # not this test's roots for the tests after it


def test_httpcore_is_imported_without_trio_and_trio_still_imports(tmp_path: Path) -> None:
    """A fresh process fetches without importing trio (httpcore would, for nothing: ~40 ms), and
    whoever imports trio afterwards (selenium) still gets it."""
    script = tmp_path / "check.py"
    script.write_text(
        "import asyncio, sys\n"
        "from crawler.addresses import AddressGuard\n"
        "from crawler.fetch import Fetcher\n"
        "from tests.localserver import LocalServer, Response\n"
        "async def go():\n"
        "    async with Fetcher(AddressGuard(allowed_hosts=frozenset({'127.0.0.1'}))) as fetcher:\n"
        "        with LocalServer({'/': Response('ok')}) as server:\n"
        "            return await fetcher.fetch(server.url('/'))\n"
        "result = asyncio.run(go())\n"
        "print(result.status, result.text, 'trio' in sys.modules)\n"
        "import trio\n"
        "print(trio.Lock.__name__)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=repo, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "ok", "False", "Lock"]
