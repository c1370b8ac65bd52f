"""Every URL a demo portal serves, asked over raw HTTP, reduced to what must not change between servers.

`record` answers each `Exchange` with status, the headers that matter and a hash of the body, with
what varies between runs (the port in ``base_url``, the session token, file modification times)
replaced by placeholders. `tests/demo/served.json` holds the answers of the hand-written server the
Starlette one replaced; `python -m tests.demo.exchanges` writes the answers of the current server.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from govaudit.demo.server import DemoServer

SERVED_FILE = Path(__file__).with_name("served.json")
# A fixed serving day keeps the dated pages, their Last-Modified and the recorded hashes stable.
TODAY = date(2026, 3, 4)
HEADERS = (
    "content-type",
    "content-length",
    "location",
    "set-cookie",
    "last-modified",
    "allow",
    "server",
    "x-content-type-options",
)
SESSION = re.compile(r"vld_session=[^;]+")


@dataclass(frozen=True, slots=True)
class Exchange:
    method: str
    path: str
    form: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    signed_in: bool = False

    @property
    def key(self) -> str:
        parts = [self.method, self.path]
        if self.form:
            parts.append("form=" + urlencode(self.form))
        parts += [f"{name}: {value}" for name, value in self.headers]
        if self.signed_in:
            parts.append("signed-in")
        return " | ".join(parts)


def _file_paths(root: Path) -> list[str]:
    """The URL of every file in a portal folder, and of every folder with and without its slash."""
    paths: list[str] = []
    for item in sorted(root.rglob("*")):
        rel = "/" + item.relative_to(root).as_posix()
        paths += [rel, rel + "/"] if item.is_dir() else [rel]
    return ["/", *paths]


def _get(*paths: str, signed_in: bool = False, **headers: str) -> list[Exchange]:
    pairs = tuple((name.replace("_", "-"), value) for name, value in headers.items())
    return [Exchange("GET", path, headers=pairs, signed_in=signed_in) for path in paths]


def _post(path: str, signed_in: bool = False, **form: str) -> Exchange:
    return Exchange("POST", path, tuple(form.items()), signed_in=signed_in)


def _common() -> list[Exchange]:
    """Requests every portal answers: missing and hidden files, odd methods, conditional GETs."""
    return [
        *_get("/no-such-page.html", "/nope/", "/.hidden", "/server.py", "/en/../server.py", "/en/%2e%2e/server.py"),
        *_get("/assets/missing.png", "/caf%C3%A9.html", "/feedback", "/login", "/logout", "/search?q=tax"),
        *_get("/api/3/action/package_list", "/robots.txt?x=1", "/_templates/search.en.html"),
        *_get("/", "/robots.txt", If_Modified_Since="Sat, 01 Jan 2100 00:00:00 GMT"),
        *_get("/sitemap.xml", If_None_Match="*"),
        Exchange("HEAD", "/"),
        Exchange("HEAD", "/robots.txt"),
        Exchange("HEAD", "/no-such-page.html"),
        Exchange("PUT", "/"),
        Exchange("DELETE", "/robots.txt"),
        Exchange("OPTIONS", "/"),
        _post("/nope", a="1"),
        _post("/login", username="citizen", password="valdoria2026"),
        _post("/logout"),
        _post("/feedback", name="A", message="Hello"),
    ]


def _national_search() -> list[Exchange]:
    long_query = "x" * 300
    return [
        *_get("/en/search?q=licence", "/fr/search?q=permis", "/fr/search?q=peche", "/en/search?q=fishing+licence"),
        *_get("/en/search", "/en/search?q=", "/en/search?q=+", "/en/search?q=qzxwvortplk", "/fr/search?q=qzxwvortplk"),
        *_get("/en/search?q=%3Cscript%3Ex%3C%2Fscript%3E", "/en/search?q=tax&q=fishing", "/de/search?q=tax"),
        *_get("/en/search/", "/search?q=licence", "/en/search?q=" + long_query, "/en/search?q=%22quoted%22"),
        *_get("/search?q=permis", Referer="http://127.0.0.1/fr/"),
        *_get("/search?q=permis", Referer="http://127.0.0.1/de/"),
        *_get("/nope.html", "/en/nope/", Referer="http://127.0.0.1/fr/services/"),
        Exchange("HEAD", "/en/search?q=tax"),
        _post("/en/search", q="tax"),
    ]


def _national_login() -> list[Exchange]:
    login = "/en/login.html?next="
    return [
        *_get(login + "/en/apply/income-tax.html", login + "//evil.example/", login + "/x%22%3E%3Cb%3E", login),
        *_get("/en/login.html?error=1", "/fr/login.html?error=1&next=/fr/apply/", "/en/login.html?error="),
        _post("/login", username="citizen", password="nope", lang="en", next="/en/apply/income-tax.html"),
        _post("/login", username="citizen", password="nope", lang="fr"),
        _post("/login", username="citizen", password="nope", lang="de"),
        _post("/login", username="nobody", password="valdoria2026"),
        _post("/login", username=" citizen ", password="valdoria2026", lang="fr"),
        _post("/login", username="citizen", password="valdoria2026", lang="en", next="/en/apply/income-tax.html"),
        _post("/login", username="citizen", password="valdoria2026", lang="en", next="//evil.example/"),
        _post("/login", username="citizen", password="valdoria2026", next="en/apply/"),
    ]


def _national_forms() -> list[Exchange]:
    protected = ("/en/apply/income-tax.html", "/fr/apply/birth-certificate.html", "/en/apply/", "/fr/apply/")
    return [
        *_get(*protected, "/en/apply/nope.html", "/fr/apply"),
        *_get(*protected, "/en/apply/nope.html", signed_in=True),
        *_get("/en/apply/income-tax.html", Cookie='vld_session=unknown; other="x'),
        _post("/en/apply/submit", service="income-tax"),
        _post("/fr/apply/submit"),
        _post("/en/apply/submit", signed_in=True, service="income-tax"),
        _post("/fr/apply/submit", signed_in=True),
        _post("/en/participation/petition/sign", name="A", email="a@b.c"),
        _post("/fr/participation/petition/sign", name="A", email="a@b.c"),
        _post("/de/participation/petition/sign"),
        _post("/en/participation/petition/sign/"),
    ]


def _national_api() -> list[Exchange]:
    action = "/api/3/action/"
    return [
        *_get(action + "package_list", action + "package_search", action + "package_search?q=health"),
        *_get(action + "package_search?q=SANT%C3%89", action + "package_search?q=data&start=1&rows=2"),
        *_get(action + "package_search?start=x&rows=2", action + "package_search?rows=0"),
        *_get(action + "package_show?id=schools", action + "package_show?id=nope", action + "package_show"),
        *_get(action + "resource_show", action, action + "a/package_list", "/api/3/action", "/api/3/"),
        Exchange("HEAD", action + "package_list"),
        _post(action + "package_list"),
    ]


def _national_logout() -> list[Exchange]:
    """Last: the session ends, and the same cookie no longer opens the protected pages."""
    return [
        Exchange("HEAD", "/en/apply/income-tax.html", signed_in=True),
        *_get("/logout", signed_in=True),
        *_get("/en/apply/income-tax.html?after=logout", signed_in=True),
        Exchange("HEAD", "/logout", signed_in=True),
        _post("/en/apply/submit", signed_in=True),
    ]


def exchanges(server: DemoServer) -> list[Exchange]:
    """The requests asked of one portal, in order (the signed-in ones depend on it), each asked once."""
    asked = _get(*_file_paths(server.portal.root)) + _common()
    if server.portal.name == "national":
        asked += _national_search() + _national_login() + _national_forms() + _national_api()
        asked += _national_logout()
    else:
        asked += _get("/index.html", "/about.html?lang=fr", "/nope.html", Referer="http://127.0.0.1/fr/")
        asked += [_post("/en/feedback"), _post("/feedback-thanks.html")]
    return list({exchange.key: exchange for exchange in asked}.values())


def _sign_in(server: DemoServer) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)
    body = urlencode({"username": "citizen", "password": "valdoria2026"})
    connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    cookie = connection.getresponse().getheader("set-cookie") or ""
    connection.close()
    match = SESSION.search(cookie)
    return match.group(0) if match else ""


def _normalise(server: DemoServer, path: str, name: str, value: str) -> str:
    if name == "set-cookie":
        return SESSION.sub("vld_session=<token>", value) if "vld_session=;" not in value else value
    if name == "last-modified":
        file = server.portal.root.joinpath(*[p for p in urlsplit(path).path.split("/") if p])
        file = file / "index.html" if file.is_dir() else file
        if file.is_file():
            stamp = datetime.fromtimestamp(file.stat().st_mtime, UTC)
            return "<mtime>" if value == format_datetime(stamp, usegmt=True) else value
    if name == "server":
        return value.replace(sys.version.split()[0], "<python>")
    return value.replace(server.base_url, "{{base_url}}")


def ask(server: DemoServer, exchange: Exchange, cookie: str) -> dict[str, object]:
    """One exchange over a fresh connection, reduced to its comparable parts."""
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)
    headers = dict(exchange.headers)
    body = urlencode(exchange.form) if exchange.method == "POST" else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if exchange.signed_in:
        headers["Cookie"] = cookie
    connection.request(exchange.method, exchange.path, body, headers)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    text = raw.decode("utf-8", "replace").replace(server.base_url, "{{base_url}}")
    kept = {name: _normalise(server, exchange.path, name, response.getheader(name) or "") for name in HEADERS}
    return {
        "status": response.status,
        "headers": {name: value for name, value in kept.items() if value},
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def record(server: DemoServer) -> dict[str, dict[str, object]]:
    cookie = _sign_in(server)
    return {exchange.key: ask(server, exchange, cookie) for exchange in exchanges(server)}


def main() -> None:
    served: dict[str, dict[str, dict[str, object]]] = {}
    for name, factory in (("national", DemoServer.national), ("city", DemoServer.city)):
        with factory(today=TODAY) as server:
            served[name] = record(server)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else SERVED_FILE
    out.write_text(json.dumps(served, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
