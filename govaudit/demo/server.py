"""Serve a bundled demo portal on 127.0.0.1 for tests, benchmarks and `govaudit demo`.

    with DemoServer.national() as server:
        httpx.get(server.base_url + "/en/")

Static files come from one portal folder. A few routes are dynamic: the site search, the login, the
protected online application forms, the form submissions and a CKAN-style catalogue API. Date tokens in
served text (``{{date:-3}}``, ``{{date_long_en:-3}}``, ``{{date_long_fr:-3}}``, ``{{year}}``) are replaced
by dates relative to the serving day, so the demo always looks maintained; ``{{base_url}}`` becomes the
server's own base URL (absolute URLs in sitemap.xml and robots.txt).
"""

from __future__ import annotations

import html
import json
import re
import secrets
import sys
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, quote, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

DEMO_DIR = Path(__file__).resolve().parent
SESSION_COOKIE = "vld_session"
CREDENTIALS = ("citizen", "valdoria2026")

_TOKEN = re.compile(r"\{\{(date|date_long_en|date_long_fr):([+-]?\d+)\}\}")
_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
_TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".csv": "text/csv",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
}
_BINARY_TYPES = {".png": "image/png", ".ico": "image/x-icon", ".pdf": "application/pdf"}
_SEARCH_TEXT = {
    "en": {
        "count": "{n} result(s) for “{q}”.",
        "none": "No results for “{q}”. Check the spelling or try another word.",
        "empty": "Enter a word in the search box.",
    },
    "fr": {
        "count": "{n} résultat(s) pour « {q} ».",
        "none": "Aucun résultat pour « {q} ». Vérifiez l’orthographe ou essayez un autre mot.",
        "empty": "Saisissez un mot dans le champ de recherche.",
    },
}
_LOGIN_ERROR = {
    "en": "Incorrect username or password.",
    "fr": "Identifiant ou mot de passe incorrect.",
}


def long_date(day: date, lang: str) -> str:
    """ "21 November 2026" / "21 novembre 2026" (« 1er » for the first day in French)."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[lang][day.month - 1]} {day.year}"


def render_tokens(text: str, today: date, base_url: str = "") -> str:
    """Replace the date tokens, ``{{year}}`` and ``{{base_url}}`` in served text."""

    def one(match: re.Match[str]) -> str:
        day = today + timedelta(days=int(match.group(2)))
        kind = match.group(1)
        if kind == "date":
            return day.isoformat()
        return long_date(day, kind.rsplit("_", 1)[1])

    text = _TOKEN.sub(one, text)
    return text.replace("{{year}}", str(today.year)).replace("{{base_url}}", base_url)


def last_modified(raw: str, today: date) -> date | None:
    """The most recent non-future date a page's tokens name: what the page says it was updated."""
    offsets = [int(m.group(2)) for m in _TOKEN.finditer(raw)]
    past = [o for o in offsets if o <= 0]
    return today + timedelta(days=max(past)) if past else None


def _fold(text: str) -> str:
    """Case- and accent-insensitive form used by the search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Portal:
    """What a portal folder needs from the server besides its static files."""

    name: str
    root: Path
    languages: tuple[str, ...]
    lang_prefixed: bool
    root_redirect: str | None = None
    search: bool = False
    login: bool = False
    protected_prefixes: tuple[str, ...] = ()
    # POST path → where to redirect (303) after the form is accepted; "{lang}" is filled in.
    form_redirects: Mapping[str, str] = field(default_factory=dict)
    protected_forms: tuple[str, ...] = ()
    ckan_catalogue: str | None = None


NATIONAL = Portal(
    name="national",
    root=DEMO_DIR / "national",
    languages=("en", "fr"),
    lang_prefixed=True,
    root_redirect="/en/",
    search=True,
    login=True,
    protected_prefixes=("/en/apply/", "/fr/apply/"),
    form_redirects={
        "/{lang}/apply/submit": "/{lang}/apply/submitted.html",
        "/{lang}/participation/petition/sign": "/{lang}/participation/petition-thanks.html",
    },
    protected_forms=("/{lang}/apply/submit",),
    ckan_catalogue="api/catalogue.json",
)
CITY = Portal(
    name="city",
    root=DEMO_DIR / "city",
    languages=("en",),
    lang_prefixed=False,
    form_redirects={"/feedback": "/feedback-thanks.html"},
)


@dataclass(frozen=True, slots=True)
class IndexedPage:
    path: str
    lang: str
    title: str
    text: str
    folded: str


@dataclass(slots=True)
class _State:
    portal: Portal
    today_fixed: date | None
    base_url: str = ""
    index: list[IndexedPage] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def today(self) -> date:
        return self.today_fixed or date.today()


def _url_path(rel: Path) -> str:
    parts = rel.as_posix()
    if parts == "index.html":
        return "/"
    if parts.endswith("/index.html"):
        return "/" + parts[: -len("index.html")]
    return "/" + parts


def build_index(state: _State) -> list[IndexedPage]:
    """Text of every public HTML page (its <main>), for the site search."""
    portal = state.portal
    pages: list[IndexedPage] = []
    for file in sorted(portal.root.rglob("*.html")):
        rel = file.relative_to(portal.root)
        if rel.parts[0].startswith("_"):
            continue
        path = _url_path(rel)
        if any(path.startswith(p) for p in portal.protected_prefixes) or path.endswith("-thanks.html"):
            continue
        tree = LexborHTMLParser(render_tokens(file.read_text("utf-8"), state.today, state.base_url))
        html_node = tree.css_first("html")
        lang = (html_node.attributes.get("lang") if html_node else None) or portal.languages[0]
        title_node = tree.css_first("h1") or tree.css_first("title")
        main = tree.css_first("main") or tree.body
        text = " ".join((main.text(separator=" ") if main else "").split())
        title = " ".join(title_node.text().split()) if title_node else path
        pages.append(IndexedPage(path=path, lang=lang, title=title, text=text, folded=_fold(text)))
    return pages


def search(index: list[IndexedPage], query: str, lang: str) -> list[tuple[IndexedPage, str]]:
    """Pages in ``lang`` whose text contains every word of the query, with an HTML snippet."""
    words = [_fold(w) for w in query.split() if w.strip()]
    if not words:
        return []
    hits: list[tuple[IndexedPage, str]] = []
    for page in index:
        if page.lang != lang or not all(w in page.folded for w in words):
            continue
        # NFKD folding keeps lengths for the Latin letters used here; fall back to the start otherwise.
        at = page.folded.find(words[0]) if len(page.folded) == len(page.text) else 0
        start = max(0, at - 80)
        end = min(len(page.text), at + len(words[0]) + 120)
        before = page.text[start:at]
        word = page.text[at : at + len(words[0])]
        after = page.text[at + len(words[0]) : end]
        snippet = (
            ("… " if start else "")
            + html.escape(before)
            + f"<mark>{html.escape(word)}</mark>"
            + html.escape(after)
            + (" …" if end < len(page.text) else "")
        )
        hits.append((page, snippet))
    return hits


class _Handler(BaseHTTPRequestHandler):
    server_version = "ValdoriaDemo/1.0"
    timeout = 10
    state: _State  # set on the subclass made per server

    # --- plumbing -------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str, status: int = HTTPStatus.SEE_OTHER, cookie: str | None = None) -> None:
        headers = {"Location": location}
        if cookie:
            headers["Set-Cookie"] = cookie
        self._send(status, b"", None, headers)

    def _lang_of(self, path: str) -> str:
        portal = self.state.portal
        if portal.lang_prefixed:
            first = path.strip("/").split("/", 1)[0]
            if first in portal.languages:
                return first
            referer = urlsplit(self.headers.get("Referer", "")).path.strip("/").split("/", 1)[0]
            if referer in portal.languages:
                return referer
        return portal.languages[0]

    def _session(self) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie", ""))
        except Exception:  # malformed cookie header: treat as signed out
            return None
        morsel = cookie.get(SESSION_COOKIE)
        if morsel is None:
            return None
        with self.state.lock:
            return morsel.value if morsel.value in self.state.sessions else None

    def _read_form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 1_000_000)).decode("utf-8", "replace") if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _template(self, name: str, lang: str) -> str | None:
        file = self.state.portal.root / "_templates" / f"{name}.{lang}.html"
        return file.read_text("utf-8") if file.is_file() else None

    def _render(self, raw: str, extra: Mapping[str, str] | None = None) -> bytes:
        for token, value in (extra or {}).items():
            raw = raw.replace("{{" + token + "}}", value)
        raw = raw.replace("{{login_next}}", "").replace("{{login_error}}", "")
        return render_tokens(raw, self.state.today, self.state.base_url).encode("utf-8")

    def _not_found(self, path: str, head: bool = False) -> None:
        template = self._template("404", self._lang_of(path))
        body = self._render(template) if template else b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
        self._send(HTTPStatus.NOT_FOUND, body, head=head)

    def _json(self, status: int, payload: Any, head: bool = False) -> None:
        body = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", head=head)

    # --- verbs ----------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._get(head=True)

    def do_GET(self) -> None:
        self._get(head=False)

    def _get(self, head: bool) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        portal = self.state.portal
        if path == "/" and portal.root_redirect:
            self._redirect(portal.root_redirect, HTTPStatus.FOUND)
            return
        if portal.search and (path == "/search" or (path.endswith("/search") and path.count("/") == 2)):
            self._search(path, query.get("q", ""), head)
            return
        if portal.login and path == "/logout":
            self._logout()
            return
        if portal.ckan_catalogue and path.startswith("/api/3/action/"):
            self._ckan(path.rsplit("/", 1)[1], query, head)
            return
        if any(path.startswith(p) for p in portal.protected_prefixes) and not self._session():
            lang = self._lang_of(path)
            self._redirect(f"/{lang}/login.html?next={quote(path)}")
            return
        self._static(path, query, head)

    def do_POST(self) -> None:
        path = unquote(urlsplit(self.path).path)
        portal = self.state.portal
        form = self._read_form()
        if portal.login and path == "/login":
            self._login(form)
            return
        for lang in portal.languages:
            for source, target in portal.form_redirects.items():
                if path != source.format(lang=lang):
                    continue
                if source in portal.protected_forms and not self._session():
                    self._redirect(f"/{lang}/login.html")
                    return
                self._redirect(target.format(lang=lang))
                return
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", None, {"Allow": "GET, HEAD"})

    # --- routes ---------------------------------------------------------------------------------
    def _static(self, path: str, query: Mapping[str, str], head: bool) -> None:
        root = self.state.portal.root
        parts = [p for p in path.split("/") if p]
        if any(p.startswith((".", "_")) or p == ".." for p in parts):
            self._not_found(path, head)
            return
        file = root.joinpath(*parts)
        if file.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/", HTTPStatus.MOVED_PERMANENTLY)
                return
            file = file / "index.html"
        if not file.is_file():
            self._not_found(path, head)
            return
        suffix = file.suffix.lower()
        if suffix in _TEXT_TYPES:
            raw = file.read_text("utf-8")
            modified = last_modified(raw, self.state.today)
            stamp = (
                datetime(modified.year, modified.month, modified.day, 8, 0, tzinfo=UTC)
                if modified
                else datetime.fromtimestamp(file.stat().st_mtime, UTC)
            )
            extra: dict[str, str] = {}
            if file.name == "login.html":
                nxt = query.get("next", "")
                if nxt.startswith("/") and not nxt.startswith("//"):
                    extra["login_next"] = html.escape(nxt, quote=True)
                if query.get("error"):
                    message = _LOGIN_ERROR.get(self._lang_of(path), _LOGIN_ERROR["en"])
                    extra["login_error"] = (
                        f'      <div class="notice notice-warning" role="alert"><p>{message}</p></div>'
                    )
            body = self._render(raw, extra)
            content_type = f"{_TEXT_TYPES[suffix]}; charset=utf-8"
        else:
            body = file.read_bytes()
            stamp = datetime.fromtimestamp(file.stat().st_mtime, UTC)
            content_type = _BINARY_TYPES.get(suffix, "application/octet-stream")
        self._send(HTTPStatus.OK, body, content_type, {"Last-Modified": format_datetime(stamp, usegmt=True)}, head)

    def _search(self, path: str, q: str, head: bool) -> None:
        lang = self._lang_of(path)
        template = self._template("search", lang) or "{{search_results}}"
        words = _SEARCH_TEXT[lang]
        q = q.strip()[:200]
        shown = html.escape(q)
        if not q:
            results = f"      <p>{words['empty']}</p>"
        else:
            hits = search(self.state.index, q, lang)
            if not hits:
                results = f'      <p class="search-summary">{words["none"].format(q=shown)}</p>'
            else:
                items = "\n".join(
                    f'        <li><a href="{html.escape(page.path)}">{html.escape(page.title)}</a>'
                    f'<br><span class="meta">{html.escape(page.path)}</span><p>{snippet}</p></li>'
                    for page, snippet in hits
                )
                results = (
                    f'      <p class="search-summary">{words["count"].format(n=len(hits), q=shown)}</p>\n'
                    f'      <ol class="results">\n{items}\n      </ol>'
                )
        body = self._render(template, {"search_results": results, "search_query_url": quote(q)})
        self._send(HTTPStatus.OK, body, head=head)

    def _login(self, form: Mapping[str, str]) -> None:
        lang = form.get("lang") if form.get("lang") in self.state.portal.languages else self._lang_of("/")
        nxt = form.get("next", "")
        if (form.get("username", "").strip(), form.get("password", "")) != CREDENTIALS:
            target = f"/{lang}/login.html?error=1" + (f"&next={quote(nxt)}" if nxt else "")
            self._redirect(target)
            return
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.sessions.add(token)
        if not (nxt.startswith("/") and not nxt.startswith("//")):
            nxt = f"/{lang}/services/"
        self._redirect(nxt, cookie=f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")

    def _logout(self) -> None:
        token = self._session()
        if token:
            with self.state.lock:
                self.state.sessions.discard(token)
        self._redirect(
            self.state.portal.root_redirect or "/",
            cookie=f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
        )

    def _ckan(self, action: str, query: Mapping[str, str], head: bool) -> None:
        catalogue_file = self.state.portal.root / (self.state.portal.ckan_catalogue or "")
        raw = render_tokens(catalogue_file.read_text("utf-8"), self.state.today, self.state.base_url)
        packages: list[dict[str, Any]] = json.loads(raw)["packages"]
        help_url = f"{self.state.base_url}/api/3/action/help_show?name={action}"
        if action == "package_list":
            self._json(200, {"help": help_url, "success": True, "result": [p["name"] for p in packages]}, head)
        elif action == "package_search":
            q = _fold(query.get("q", "").strip())
            found = [
                p
                for p in packages
                if not q or q in _fold(" ".join([p["title"], p["notes"], *[t["name"] for t in p["tags"]]]))
            ]
            try:
                start, rows = int(query.get("start", 0)), int(query.get("rows", 10))
            except ValueError:
                start, rows = 0, 10
            result = {"count": len(found), "sort": "score desc", "results": found[start : start + rows]}
            self._json(200, {"help": help_url, "success": True, "result": result}, head)
        elif action == "package_show":
            match = [p for p in packages if p["name"] == query.get("id")]
            if match:
                self._json(200, {"help": help_url, "success": True, "result": match[0]}, head)
            else:
                error = {"message": "Not found", "__type": "Not Found Error"}
                self._json(404, {"help": help_url, "success": False, "error": error}, head)
        else:
            error = {"message": f"Action name not known: {action}", "__type": "Bad request"}
            self._json(400, {"help": help_url, "success": False, "error": error}, head)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # request threads are joined by server_close(): nothing is left behind
    block_on_close = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a crawler's timeout, a browser dropping a blocked
        # request) is normal for a web server: not worth a traceback on the demo's stderr.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class DemoServer:
    """Serve one demo portal on 127.0.0.1 on a free port, as a context manager.

    ``today`` fixes the serving day (tests); by default it is the real day of each request.
    """

    def __init__(self, portal: Portal, *, host: str = "127.0.0.1", port: int = 0, today: date | None = None):
        self.portal = portal
        self._host = host
        self._port = port
        self._state = _State(portal=portal, today_fixed=today)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def national(cls, **kwargs: Any) -> DemoServer:
        return cls(NATIONAL, **kwargs)

    @classmethod
    def city(cls, **kwargs: Any) -> DemoServer:
        return cls(CITY, **kwargs)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running")
        return self._state.base_url

    @property
    def credentials(self) -> tuple[str, str]:
        return CREDENTIALS

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def index(self) -> list[IndexedPage]:
        return list(self._state.index)

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        handler = type("DemoHandler", (_Handler,), {"state": self._state})
        httpd = _Server((self._host, self._port), handler)
        host, port = httpd.server_address[:2]
        self._state.base_url = f"http://{host!s}:{port}"
        self._state.index = build_index(self._state)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=f"demo-{self.portal.name}"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
