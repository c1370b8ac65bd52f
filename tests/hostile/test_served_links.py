"""Links = the served HTML's links ∪ the rendered DOM's links.

Issue 15, item 5: on a server-rendered single-page site (Gridsome/Vue) the client router shows its
404 view for `/index.html`, so the rendered DOM of the start page has no links: `audit` and
`assess` stopped after 1 page where `crawl --render never` found the whole site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.server import fixed
from tests.hostile.sites import HostileSite, govaudit

ROUTES = ("/", "/services", "/news", "/contact")
# What a Vue router does on a path it has no route for: it replaces the served markup with its 404 view.
ROUTER = (
    f"<script>const known = {json.dumps(ROUTES)};"
    "if (!known.includes(location.pathname)) {"
    " document.getElementById('app').innerHTML = '<main><h1>Page not found</h1><p>Sorry.</p></main>'; }"
    "</script>"
)


def page(title: str) -> str:
    nav = "".join(f'<a href="{path}">{path.strip("/") or "home"}</a> ' for path in ROUTES)
    body = (
        f'<div id="app"><header><nav>{nav}</nav></header><main><h1>{title}</h1>'
        f"<p>{title}: what the ministry offers, with enough words for a reader.</p></main></div>{ROUTER}"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


def site() -> HostileSite:
    routes = {path: fixed(page(path.strip("/") or "Home")) for path in ROUTES}
    routes["/index.html"] = fixed(page("Home"))
    routes["/robots.txt"] = fixed("User-agent: *\nAllow: /\n", content_type="text/plain")
    return HostileSite(routes)


def test_the_router_really_hides_the_links() -> None:
    """The fixture is what the probe met: the served start page links every route."""
    served = page("Home")
    assert all(f'href="{path}"' in served for path in ROUTES) and "Page not found" in ROUTER


@pytest.mark.browser
@pytest.mark.parametrize("command", ["audit", "assess"])
def test_served_links_are_followed_when_the_rendered_dom_has_none(command: str, tmp_path: Path, chromium: str) -> None:
    with site() as server:
        args = [command, server.url("/index.html"), "--quiet", "--out", str(tmp_path / "out"), "--max-pages", "10"]
        run = govaudit(*args, tmp_path=tmp_path, timeout_s=240)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.code == 0, run.stderr[-3000:]
    pages = run.pages()
    assert {"/index.html", *ROUTES} <= set(pages), pages
    assert all(status == "ok" for status, _ in pages.values()), pages
