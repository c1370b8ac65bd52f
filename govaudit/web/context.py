"""What every route needs: the store, the signer, the templates, and who is asking."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from govaudit.web.i18n import SOURCE_LANGUAGE, language_name, languages, pick, translations
from govaudit.web.security import PRE_SESSION_COOKIE, SESSION_COOKIE, Signer, hash_fingerprint
from govaudit.web.throttle import client_address
from reports.links import safe_href
from storage import Store, web_sessions
from storage.records import UserRecord
from storage.user_settings import UserSettings, UserSettingsStore

TEMPLATES = Path(__file__).resolve().parent / "templates"


class LoginRequired(Exception):
    """Raised by `require_user`; the app turns it into a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def _templates(language: str = SOURCE_LANGUAGE) -> Environment:
    # Autoescaping on for every template: evidence text comes from crawled sites and must never be markup.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: `_()` escapes its result and takes %(name)s arguments, so a translation cannot inject markup.
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language_name"] = language_name
    env.filters["safe_href"] = safe_href
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"
    env.filters["num"] = lambda v: "n/a" if v is None else f"{v:.3f}"
    env.filters["value"] = lambda v: "no value" if v is None else v
    return env


@dataclass
class Web:
    store: Store
    signer: Signer
    secure_cookies: bool = True
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    envs: dict[str, Environment] = field(default_factory=dict)
    # Proxies whose X-Forwarded-For / -Proto we believe (GOVAUDIT_TRUSTED_PROXIES); none by default,
    # so a client cannot pick the address the sign-in limits count.
    trusted_proxies: tuple[Any, ...] = ()

    def client_address(self, request: Request) -> str:
        peer = request.client.host if request.client else ""
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted_proxies)

    def is_https(self, request: Request) -> bool:
        if request.url.scheme == "https":
            return True
        peer = request.client.host if request.client else ""
        trusted = client_address(peer, "0.0.0.0", self.trusted_proxies) != peer  # the peer is our proxy
        proto = (request.headers.get("x-forwarded-proto") or "").split(",")[-1].strip().lower()
        return trusted and proto == "https"

    # --- who is asking -------------------------------------------------------------------------

    def user(self, request: Request) -> UserRecord | None:
        session = self.signer.read_session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return None
        user = self.store.users.get(session.user_id)
        if user is None or hash_fingerprint(user.password_hash) != session.fingerprint:
            return None
        if not web_sessions.is_live(self.store, user.id, session.sid):  # logged out, or password changed
            return None
        return user

    def require_user(self, request: Request) -> UserRecord:
        user = self.user(request)
        if user is None:
            raise LoginRequired(request.url.path)
        return user

    def sid(self, request: Request) -> str | None:
        """The id CSRF tokens are bound to: the session's, else the pre-session's."""
        session = self.signer.read_session(request.cookies.get(SESSION_COOKIE))
        if session is not None:
            return session.sid
        return self.signer.read_pre_session(request.cookies.get(PRE_SESSION_COOKIE))

    def check_csrf(self, request: Request, token: str | None) -> None:
        # A cross-site form post is refused before its token is even read (browsers say so).
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise HTTPException(403, "Cross-site request refused.")
        if not self.signer.check_csrf(self.sid(request), token):
            raise HTTPException(403, "The form has expired or did not come from this site. Reload it and try again.")

    # --- language and settings -----------------------------------------------------------------

    def settings(self, user: UserRecord | None) -> UserSettings:
        return UserSettingsStore(self.store).get(user.id) if user is not None else UserSettings()

    def language(self, request: Request, settings: UserSettings) -> str:
        """The person's chosen language, else the best match for their browser's."""
        if settings.language in languages():
            return settings.language
        return pick(request.headers.get("accept-language"))

    def env(self, language: str) -> Environment:
        if language not in self.envs:
            self.envs[language] = _templates(language)
        return self.envs[language]

    # --- rendering -----------------------------------------------------------------------------

    def render(
        self, request: Request, template: str, context: dict[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        sid = self.sid(request)
        user = context.setdefault("user", None)
        settings = self.settings(user)
        language = self.language(request, settings)
        body = self.env(language).get_template(template).render(
            request_path=request.url.path,
            request_query=request.url.query,
            csrf_token=self.signer.csrf_token(sid) if sid else "",
            lang=language,
            languages=languages(),
            shortcuts=settings.shortcuts,
            **context,
        )
        response = HTMLResponse(body, status_code=status_code)
        if user is not None:
            # Pages behind a login must not sit in a shared browser cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    def set_cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            secure=self.secure_cookies,
            samesite="strict",
            path="/",
        )

    def login_redirect(self, next_path: str) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(next_path, safe='/')}", status_code=303)


def can_see(user: UserRecord, country: str) -> bool:
    return user.role == "admin" or country.upper() in user.countries


def local_path(path: str | None, default: str = "/") -> str:
    """Only a path on this site (no scheme, no host, no "//"): the `next` of a login is not an open redirect."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    parts = urlsplit(path)
    return default if parts.scheme or parts.netloc else path
