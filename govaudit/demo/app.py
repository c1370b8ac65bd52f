"""The demo portal as a Starlette application: routes for the dynamic pages, the portal folder for the rest."""

from __future__ import annotations

import functools
import html
import json
import secrets
import sys
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govaudit.demo import ckan
from govaudit.demo.pages import lang_of, redirect, render, reply, static, template
from govaudit.demo.portals import CREDENTIALS, SESSION_COOKIE, DemoState
from govaudit.demo.search import results_html
from govaudit.demo.text import render_tokens

SERVER = f"ValdoriaDemo/1.0 Python/{sys.version.split()[0]}".encode("ascii")
_MAX_FORM = 1_000_000
# The standard library HTTP server's error page: crawlers sent an odd method see the answer they always saw.
_ERROR_PAGE = """<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %(code)d</p>
        <p>Message: %(message)s.</p>
        <p>Error code explanation: %(code)s - %(explain)s.</p>
    </body>
</html>
"""


def _first_values(raw: str) -> dict[str, str]:
    """Query or form fields; a repeated name keeps its first value."""
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _query(request: Request) -> dict[str, str]:
    return _first_values(request.scope["query_string"].decode("latin-1"))


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    return _first_values(body[:_MAX_FORM].decode("utf-8", "replace"))


def _unsupported(method: str) -> Response:
    """What the standard library's HTTP server answers to a method it has no handler for."""
    message = html.escape(f"Unsupported method ({method!r})", quote=False)
    explain = "Server does not support this operation"
    body = (_ERROR_PAGE % {"code": 501, "message": message, "explain": explain}).encode("utf-8")
    headers = {"connection": "close", "content-type": "text/html;charset=utf-8"}
    return Response(body, status_code=501, headers=headers)


class DemoHeaders:
    """Names the server on every answer, and answers 501 to methods other than GET, HEAD and POST."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [(b"server", SERVER), *message.get("headers", [])]
            await send(message)

        if scope["method"] in ("GET", "HEAD", "POST"):
            await self.app(scope, receive, named)
        else:
            await _unsupported(scope["method"])(scope, receive, named)


class Endpoints:
    """The routes of one portal, over the state of its server."""

    def __init__(self, state: DemoState) -> None:
        self.state = state
        self.portal = state.portal

    def _lang(self, request: Request) -> str:
        return lang_of(self.portal, request.scope["path"], request.headers.get("referer", ""))

    def _session(self, request: Request) -> str | None:
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(request.headers.get("cookie", ""))
        except Exception:  # malformed cookie header: treat as signed out
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel is not None and morsel.value in self.state.sessions else None

    async def root(self, request: Request) -> Response:
        return redirect(self.portal.root_redirect or "/", 302)

    async def search(self, request: Request) -> Response:
        lang = self._lang(request)
        page = template(self.portal, "search", lang) or "{{search_results}}"
        q = _query(request).get("q", "").strip()[:200]
        results = results_html(self.state.index, q, lang)
        return reply(200, render(self.state, page, {"search_results": results, "search_query_url": quote(q)}))

    async def login(self, request: Request) -> Response:
        form = await _form(request)
        referer = request.headers.get("referer", "")
        lang = form.get("lang") if form.get("lang") in self.portal.languages else lang_of(self.portal, "/", referer)
        nxt = form.get("next", "")
        if (form.get("username", "").strip(), form.get("password", "")) != CREDENTIALS:
            return redirect(f"/{lang}/login.html?error=1" + (f"&next={quote(nxt)}" if nxt else ""))
        token = secrets.token_urlsafe(24)
        self.state.sessions.add(token)
        if not (nxt.startswith("/") and not nxt.startswith("//")):
            nxt = f"/{lang}/services/"
        return redirect(nxt, cookie=f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")

    async def logout(self, request: Request) -> Response:
        token = self._session(request)
        if token:
            self.state.sessions.discard(token)
        cookie = f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        return redirect(self.portal.root_redirect or "/", cookie=cookie)

    async def catalogue(self, request: Request) -> Response:
        action = request.scope["path"].rsplit("/", 1)[1]
        file = self.portal.root / (self.portal.ckan_catalogue or "")
        packages = json.loads(render_tokens(file.read_text("utf-8"), self.state.today, self.state.base_url))
        help_url = f"{self.state.base_url}/api/3/action/help_show?name={action}"
        status, payload = ckan.answer(packages["packages"], action, _query(request), help_url)
        body = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        return reply(status, body, "application/json; charset=utf-8")

    async def submit(self, request: Request, *, lang: str, source: str, target: str) -> Response:
        await _form(request)
        if source in self.portal.protected_forms and not self._session(request):
            return redirect(f"/{lang}/login.html")
        return redirect(target.format(lang=lang))

    async def page(self, request: Request) -> Response:
        path = request.scope["path"]
        if self.portal.is_protected(path) and not self._session(request):
            return redirect(f"/{self._lang(request)}/login.html?next={quote(path)}")
        return static(self.state, path, _query(request), request.headers.get("referer", ""))

    async def not_allowed(self, request: Request) -> Response:
        return reply(405, b"", None, {"allow": "GET, HEAD"})

    def routes(self) -> list[Route]:
        """The dynamic pages first; the portal folder answers every other GET, and POSTs elsewhere get 405."""
        portal = self.portal
        routes: list[Route] = []
        if portal.root_redirect:
            routes.append(Route("/", self.root, methods=["GET"]))
        if portal.search:
            routes += [Route(p, self.search, methods=["GET"]) for p in ("/search", "/{lang}/search")]
        if portal.login:
            routes += [Route("/logout", self.logout, methods=["GET"]), Route("/login", self.login, methods=["POST"])]
        if portal.ckan_catalogue:
            routes.append(Route("/api/3/action/{action:path}", self.catalogue, methods=["GET"]))
        for lang in portal.languages:
            for source, target in portal.form_redirects.items():
                endpoint = functools.partial(self.submit, lang=lang, source=source, target=target)
                routes.append(Route(source.format(lang=lang), endpoint, methods=["POST"]))
        routes.append(Route("/{path:path}", self.page, methods=["GET"]))
        routes.append(Route("/{path:path}", self.not_allowed, methods=["POST"]))
        return routes


def build_app(state: DemoState) -> Starlette:
    return Starlette(routes=Endpoints(state).routes(), middleware=[Middleware(DemoHeaders)])
