"""The FastAPI application: middleware (security headers), error pages, static files, routers."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from govaudit.settings import WebSettings
from govaudit.web import auth_routes, queue_routes, review_routes, score_routes, settings_routes
from govaudit.web.context import LoginRequired, Web
from govaudit.web.security import HSTS, SECURITY_HEADERS, Signer
from govaudit.web.throttle import parse_proxies
from storage import Store

STATIC = Path(__file__).resolve().parent / "static"


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Only over https (directly, or from a trusted proxy): over plain http a browser ignores it,
        # and a development server must stay reachable over http.
        if request.app.state.web.is_https(request):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def create_app(
    database_url: str | None = None,
    *,
    store: Store | None = None,
    secret_key: str | None = None,
    secure_cookies: bool = True,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    trusted_proxies: str | None = None,
) -> FastAPI:
    """The assessor app on a store (given, or opened from `database_url`); what is not given comes from
    the environment (`WebSettings`). Without a secret key a random one is made: sessions then end when the
    process does, and several workers would not share them: set GOVAUDIT_SECRET_KEY in production."""
    configured = WebSettings.from_env()
    if store is None:
        store = Store(database_url or configured.database_url)
        store.upgrade()
    secret = secret_key or configured.secret_key or secrets.token_urlsafe(48)
    proxies = parse_proxies(configured.trusted_proxies if trusted_proxies is None else trusted_proxies)
    web = Web(
        store=store,
        signer=Signer(secret),
        secure_cookies=secure_cookies,
        weights=dict(weights or {}),
        trusted_proxies=proxies,
    )

    # No API docs: the app is pages for people, and /docs would need script that the CSP forbids.
    app = FastAPI(title="govaudit assessors", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth_routes.router)
    app.include_router(queue_routes.router)
    app.include_router(review_routes.router)
    app.include_router(settings_routes.router)
    app.include_router(score_routes.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return web.login_redirect(exc.next_path)

    @app.exception_handler(HTTPException)
    async def _error(request: Request, exc: HTTPException) -> HTMLResponse:
        response = web.render(
            request,
            "error.html",
            {
                "title": f"Error {exc.status_code}",
                "status": exc.status_code,
                "message": exc.detail,
                "user": web.user(request),
            },
            status_code=exc.status_code,
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    return app
