"""The rendering browser never reaches a private address (issue 14; issue 15 items 6 and 7).

An attacker's portal on 127.0.0.1 (the start host, allowed as tests allow it) aims every vector we know
at secret listeners on 127.0.0.2 and [::1] — TCP and UDP — directly, through redirects, and through a
name a test resolver maps to 127.0.0.2. `crawl --render always`, `audit` and `assess` (and `audit
--driver selenium`) each render every page once; the listeners must see no connection at all, not a bare
preconnect, not a STUN datagram. The secret's content must be in no stored row and no report, a page
whose navigation was refused must be recorded `blocked_address` with the reason, and a service worker
must not answer later pages in place of the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import render
from crawler.addresses import AddressGuard
from crawler.render import Renderer, RenderOutcome, RenderSettings
from tests.cli_inprocess import run_govaudit
from tests.hostile import resolve_run
from tests.hostile.ssrf_site import AFTER_SW, AttackerSite, SecretListeners
from tests.localserver import LocalServer, page

pytestmark = pytest.mark.browser

# Pages whose own navigation (script, meta refresh, Refresh header, form answered 307, a name resolving
# to a private address) ends on the secret listener: each must be recorded as blocked, with the reason.
BLOCKED_NAVIGATIONS = ("/v/location", "/v/meta-refresh", "/v/refresh-header", "/v/form-307", "/v/private-name")


@pytest.fixture(scope="module")
def secret() -> Iterator[SecretListeners]:
    listeners = SecretListeners().start()
    yield listeners
    listeners.stop()


@pytest.fixture(scope="module")
def site(secret: SecretListeners) -> Iterator[AttackerSite]:
    attacker = AttackerSite(secret).start()
    yield attacker
    attacker.stop()


def govaudit(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (tests/cli_inprocess.py), with the test resolver (names under .ssrf.test →
    127.0.0.2) installed for the run only: what is tested is where the browser may go, not a process of its own."""
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/ssrf.db"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_run.ssrf_getaddrinfo)
        return run_govaudit(*args, cwd=tmp_path, env=env)


def _everything_written(tmp_path: Path, result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Every file the run wrote (database, reports) and what it printed, as text."""
    written = {"stdout": result.stdout, "stderr": result.stderr}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            written[str(path.relative_to(tmp_path))] = path.read_bytes().decode("utf-8", "replace")
    return written


def _check_run(
    name: str, result: subprocess.CompletedProcess[str], tmp_path: Path, secret: SecretListeners, site: AttackerSite
) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in (0, 1), f"{name}: exit {result.returncode}\n{result.stderr[-3000:]}"
    assert not secret.tcp and not secret.udp, f"{name} reached the secret listeners: {secret.summary()}"
    assert not any(secret.token in d for d in site.exfiltrated), f"{name}: a page read the secret and sent it out"
    for where, text in _everything_written(tmp_path, result).items():
        assert secret.token not in text, f"{name}: the secret's content is in {where}"
        assert "HIJACKED BY SW" not in text, f"{name}: a service worker answered a page, seen in {where}"


def _assert_blocked(
    name: str, pages: list[dict[str, object]], site: AttackerSite, blocked: tuple[str, ...] = BLOCKED_NAVIGATIONS
) -> None:
    by_path = {str(p.get("url") or p.get("requested_url") or "").removeprefix(site.url("")): p for p in pages}
    for path in blocked:
        page = by_path.get(path)
        assert page is not None, f"{name}: {path} not in the report ({sorted(by_path)})"
        assert page["status"] == "blocked_address", f"{name}: {path} recorded as {page['status']}: {page.get('reason')}"
        reason = str(page.get("reason"))
        assert "blocked" in reason and ("127.0.0.2" in reason or "ssrf.test" in reason), f"{name}: {path}: {reason}"
    for path in AFTER_SW:
        assert by_path[path]["status"] == "ok", f"{name}: {path} is {by_path[path]}"


def _report_pages(out: Path) -> list[dict[str, object]]:
    report = json.loads((out / "report.json").read_text())
    return list(report["pages"])


@pytest.fixture(autouse=True)
def _quiet_listeners(secret: SecretListeners, site: AttackerSite) -> None:
    secret.reset()
    site.exfiltrated.clear()


def test_crawl_render_always_reaches_no_private_address(
    site: AttackerSite, secret: SecretListeners, tmp_path: Path, chromium: str
) -> None:
    result = govaudit("crawl", site.url("/"), "--render", "always", "--json", "--quiet", tmp_path=tmp_path)
    _check_run("crawl --render always", result, tmp_path, secret, site)
    summary = json.loads(result.stdout)
    _assert_blocked("crawl", summary["pages"], site)
    assert len(summary["pages"]) >= len(site.vectors()) + len(AFTER_SW)


def test_audit_reaches_no_private_address(
    site: AttackerSite, secret: SecretListeners, tmp_path: Path, chromium: str
) -> None:
    out = tmp_path / "out"
    result = govaudit("audit", site.url("/"), "--out", str(out), "--quiet", tmp_path=tmp_path)
    _check_run("audit", result, tmp_path, secret, site)
    _assert_blocked("audit", _report_pages(out), site)
    html = (out / "report.html").read_text()
    assert "blocked_address" in html or "blocked" in html


def test_assess_reaches_no_private_address(
    site: AttackerSite, secret: SecretListeners, tmp_path: Path, chromium: str
) -> None:
    out = tmp_path / "out"
    result = govaudit("assess", site.url("/"), "--country", "FRA", "--out", str(out), "--quiet", tmp_path=tmp_path)
    _check_run("assess", result, tmp_path, secret, site)
    reports = list(out.rglob("report.json"))
    assert reports, f"assess wrote no report.json: {sorted(p.name for p in out.rglob('*'))}"
    _assert_blocked("assess", _report_pages(reports[0].parent), site)


def test_audit_of_a_sample_reaches_no_private_address(
    site: AttackerSite, secret: SecretListeners, tmp_path: Path, chromium: str
) -> None:
    """With --sample, pages are rendered after the crawl from the HTML it fetched: the same rules hold."""
    out = tmp_path / "out"
    result = govaudit(
        "audit", site.url("/"), "--sample", "--sample-ratio", "1", "--out", str(out), "--quiet", tmp_path=tmp_path
    )
    _check_run("audit --sample", result, tmp_path, secret, site)
    # A sample page is rendered from the HTML the crawl kept, without its response headers: the Refresh
    # header is not replayed, so that page never navigates (and is audited as served).
    in_markup = tuple(p for p in BLOCKED_NAVIGATIONS if p != "/v/refresh-header")
    _assert_blocked("audit --sample", _report_pages(out), site, in_markup)


def test_selenium_driver_reaches_no_private_address(
    site: AttackerSite, secret: SecretListeners, tmp_path: Path, chromium: str
) -> None:
    """`--driver selenium` (local chromedriver): its browser goes through the same egress proxy."""
    if not Path(os.environ.get("GOVAUDIT_CHROMEDRIVER", "/usr/bin/chromedriver")).is_file():
        pytest.skip("no chromedriver: sudo apt-get install chromium-driver")
    out = tmp_path / "out"
    result = govaudit("audit", site.url("/"), "--driver", "selenium", "--out", str(out), "--quiet", tmp_path=tmp_path)
    _check_run("audit --driver selenium", result, tmp_path, secret, site)
    _assert_blocked("audit --driver selenium", _report_pages(out), site)


def test_no_service_worker_serves_a_later_page_and_a_refused_navigation_keeps_nothing(
    site: AttackerSite, secret: SecretListeners, chromium: str
) -> None:
    """Issue 15, items 6 and 7, in one browser context (one page at a time, so every render shares it)."""

    async def go() -> dict[str, RenderOutcome]:
        guard = AddressGuard(allowed_hosts=frozenset({"127.0.0.1"}))
        async with Renderer(guard, RenderSettings(executable=chromium, timeout_s=20), concurrency=1) as renderer:
            paths = ("/v/service-worker", *AFTER_SW, "/v/meta-refresh")
            return {path: await renderer.render(site.url(path)) for path in paths}

    outcomes = asyncio.run(go())
    for path in AFTER_SW:
        dom = outcomes[path].dom or ""
        assert f"the real content of {path}" in dom and "HIJACKED" not in dom, f"{path}: {dom[:300]}"
    refused = outcomes["/v/meta-refresh"]
    assert refused.dom is None and not refused.inspections and not refused.measurements and not refused.assets
    assert refused.blocked.startswith(f"navigation to {site.private('/meta-refresh')} blocked")
    assert "127.0.0.2" in refused.error
    assert not secret.tcp and not secret.udp, secret.summary()


LATE_EVENT_S = 1.0


def test_a_refused_navigation_keeps_nothing_when_chromium_reports_it_late(
    secret: SecretListeners, chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script navigates to the secret 50 ms after it runs. Playwright's `requestfailed` event for the refused
    navigation makes a round trip through Chromium and, on a loaded machine, came after the render had taken the
    DOM: the page was kept as `ok` (seen once, stop 32). Here the event is held back a second; the render must
    know of the refusal from its own route handler and keep nothing."""
    original = render._note_failed_navigation

    def late(tab: Any, request: Any) -> None:
        asyncio.get_running_loop().call_later(LATE_EVENT_S, original, tab, request)

    monkeypatch.setattr(render, "_note_failed_navigation", late)
    target = f"http://127.0.0.2:{secret.port4}/late-nav"
    script = f"<script>setTimeout(() => {{ location.href = {json.dumps(target)}; }}, 50);</script>"

    async def go(url: str) -> RenderOutcome:
        guard = AddressGuard(allowed_hosts=frozenset({"127.0.0.1"}))
        async with Renderer(guard, RenderSettings(executable=chromium, timeout_s=20), concurrency=1) as renderer:
            return await renderer.render(url)

    with LocalServer({"/": page("Leaving", "<p>still here</p>" + script)}) as server:
        outcome = asyncio.run(go(server.url("/")))
    assert outcome.dom is None, f"the page was kept: {outcome.error or outcome.final_url}"
    assert outcome.blocked.startswith(f"navigation to {target} blocked"), outcome.blocked
    assert not secret.tcp and not secret.udp, secret.summary()
