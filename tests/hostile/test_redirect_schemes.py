"""A redirect to a URL that is not http(s) ends that page as `error` with a reason; the run goes on.

Issue 15, item 1: `Location: mailto:a@b.gov` (and javascript:, data:, tel:, about:blank, a port out
of range) raised httpx.InvalidURL out of the crawl: a traceback, exit 1, run `failed`, no page stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.server import fixed, html, redirect
from tests.hostile.sites import CliRun, HostileSite, govaudit

TARGETS = {
    "/to-mailto": "mailto:a@b.gov",
    "/to-javascript": "javascript:alert(document.cookie)",
    "/to-data": "data:text/html,<h1>hi</h1>",
    "/to-tel": "tel:+15555550100",
    "/to-about": "about:blank",
    "/to-bad-port": "http://127.0.0.1:99999/x",
}
# A relative reference to /x for RFC 3986 (§5.2.2) and urllib; httpx refuses it as it reads the answer.
RELATIVE = {"/to-http-x": "http:x"}
# Ceilings, not targets: the machine may be shared and busy (a browser run took 85 s at load 43).
BUDGET_S = 60
BROWSER_BUDGET_S = 240


def site() -> HostileSite:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in TARGETS | RELATIVE)
    routes = {path: redirect(target) for path, target in (TARGETS | RELATIVE).items()}
    routes["/"] = fixed(html("Redirects", f"<ul>{links}</ul><p><a href='/fine'>A fine page</a></p>"))
    routes["/fine"] = fixed(html("Fine", "<p>This page is fine and has enough words to be read.</p>"))
    routes["/robots.txt"] = fixed("User-agent: *\nAllow: /\n", content_type="text/plain")
    return HostileSite(routes)


def check(run: CliRun, budget_s: float) -> None:
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.seconds < budget_s
    _, status, _, error = run.run()
    assert status == "completed", error
    pages = run.pages()
    for path in TARGETS:
        assert pages[path][0] == "error", (path, pages[path])
        assert pages[path][1], f"{path}: no reason"
    assert pages["/to-http-x"][0] in ("error", "http_error") and pages["/to-http-x"][1]
    assert "not an http(s) URL (mailto)" in pages["/to-mailto"][1]
    assert "invalid URL" in pages["/to-bad-port"][1]
    assert pages["/fine"][0] == "ok" and pages["/"][0] == "ok"


def test_crawl_records_non_http_redirects_as_errors(tmp_path: Path) -> None:
    with site() as server:
        run = govaudit("crawl", server.url("/"), "--quiet", "--json", tmp_path=tmp_path, timeout_s=BUDGET_S)
    assert run.code == 0, run.stderr
    check(run, BUDGET_S)


@pytest.mark.browser
@pytest.mark.parametrize("command", ["audit", "assess"])
def test_audit_and_assess_go_on_past_non_http_redirects(command: str, tmp_path: Path, chromium: str) -> None:
    with site() as server:
        run = govaudit(
            command,
            server.url("/"),
            "--quiet",
            "--out",
            str(tmp_path / "out"),
            tmp_path=tmp_path,
            timeout_s=BROWSER_BUDGET_S,
        )
    assert run.code == 0, run.stderr
    check(run, BROWSER_BUDGET_S)
    assert (tmp_path / "out" / "report.json").is_file()
