"""Responses built from the portal folder: static files with their tokens filled in, templates, 404s."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from starlette.responses import Response

from govaudit.demo.portals import DemoState, Portal
from govaudit.demo.text import last_modified, render_tokens

HTML = "text/html; charset=utf-8"
TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".csv": "text/csv",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
}
BINARY_TYPES = {".png": "image/png", ".ico": "image/x-icon", ".pdf": "application/pdf"}
_LOGIN_ERROR = {
    "en": "Incorrect username or password.",
    "fr": "Identifiant ou mot de passe incorrect.",
}
_BARE_NOT_FOUND = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"


def reply(
    status: int, body: bytes = b"", content_type: str | None = HTML, headers: Mapping[str, str] | None = None
) -> Response:
    """A response with the headers every answer of the demo carries."""
    sent = {"content-type": content_type} if content_type else {}
    sent["x-content-type-options"] = "nosniff"
    sent.update(headers or {})
    return Response(body, status_code=status, headers=sent)


def redirect(location: str, status: int = 303, cookie: str | None = None) -> Response:
    headers = {"location": location}
    if cookie:
        headers["set-cookie"] = cookie
    return reply(status, b"", None, headers)


def lang_of(portal: Portal, path: str, referer: str) -> str:
    """The language of a request: its first path segment, else the referring page's, else the default."""
    if portal.lang_prefixed:
        first = path.strip("/").split("/", 1)[0]
        if first in portal.languages:
            return first
        referred = urlsplit(referer).path.strip("/").split("/", 1)[0]
        if referred in portal.languages:
            return referred
    return portal.languages[0]


def template(portal: Portal, name: str, lang: str) -> str | None:
    file = portal.root / "_templates" / f"{name}.{lang}.html"
    return file.read_text("utf-8") if file.is_file() else None


def render(state: DemoState, raw: str, extra: Mapping[str, str] | None = None) -> bytes:
    """Served text: the page's own placeholders first, then the date tokens and the base URL."""
    for token, value in (extra or {}).items():
        raw = raw.replace("{{" + token + "}}", value)
    raw = raw.replace("{{login_next}}", "").replace("{{login_error}}", "")
    return render_tokens(raw, state.today, state.base_url).encode("utf-8")


def not_found(state: DemoState, lang: str) -> Response:
    page = template(state.portal, "404", lang)
    return reply(404, render(state, page) if page else _BARE_NOT_FOUND)


def _login_placeholders(query: Mapping[str, str], lang: str) -> dict[str, str]:
    extra: dict[str, str] = {}
    nxt = query.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        extra["login_next"] = html.escape(nxt, quote=True)
    if query.get("error"):
        message = _LOGIN_ERROR.get(lang, _LOGIN_ERROR["en"])
        extra["login_error"] = f'      <div class="notice notice-warning" role="alert"><p>{message}</p></div>'
    return extra


def _text_file(state: DemoState, file: Path, query: Mapping[str, str], lang: str) -> tuple[bytes, datetime]:
    raw = file.read_text("utf-8")
    modified = last_modified(raw, state.today)
    stamp = (
        datetime(modified.year, modified.month, modified.day, 8, 0, tzinfo=UTC)
        if modified
        else datetime.fromtimestamp(file.stat().st_mtime, UTC)
    )
    extra = _login_placeholders(query, lang) if file.name == "login.html" else {}
    return render(state, raw, extra), stamp


def static(state: DemoState, path: str, query: Mapping[str, str], referer: str) -> Response:
    """A file of the portal folder; folders answer with their index.html, hidden names with 404."""
    lang = lang_of(state.portal, path, referer)
    parts = [p for p in path.split("/") if p]
    if any(p.startswith((".", "_")) or p == ".." for p in parts):
        return not_found(state, lang)
    file = state.portal.root.joinpath(*parts)
    if file.is_dir():
        if not path.endswith("/"):
            return redirect(path + "/", 301)
        file = file / "index.html"
    if not file.is_file():
        return not_found(state, lang)
    suffix = file.suffix.lower()
    if suffix in TEXT_TYPES:
        body, stamp = _text_file(state, file, query, lang)
        content_type = f"{TEXT_TYPES[suffix]}; charset=utf-8"
    else:
        body = file.read_bytes()
        stamp = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        content_type = BINARY_TYPES.get(suffix, "application/octet-stream")
    return reply(200, body, content_type, {"last-modified": format_datetime(stamp, usegmt=True)})
