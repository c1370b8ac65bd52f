"""Serve the labelled language portals of tests/fixtures/portals/<lang>/ on 127.0.0.1 and assess them
without a browser, keeping the bodies of the catalogue API's JSON answers.

The server: static files, `{{date:N}}` tokens written as the date N days from today in the portal's
language (so "upcoming" and "past 12 months" hold whatever the day), /account/… redirected to the
sign-in page (the crawler records a login wall), and a CKAN action API (package_list, package_search,
package_show) over the portal's api/catalogue.json.

The assessment is tests/eval/harness.py's, with one difference, said plainly: `crawler.probe` keeps
only HTML bodies, so the catalogue API's JSON would reach the open-data detector empty. The probe
given to the detectors here fetches a JSON answer again through the same Fetcher (same address
guard) and keeps its text. Until the crawler's probe keeps JSON bodies, a production run answers the
open-data questions from the data files the pages link to instead.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.addresses import AddressGuard
from crawler.crawl import Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.robots import RobotsCache
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import PageSnapshot
from rules.decide import decide
from rules.engine import RuleEngine, instruments_for, load_modules
from rules.instruments import load_instrument
from rules.lexicon import Lexicons, load_lexicon
from rules.module import PageView, SiteView
from tests.eval.harness import answer_dict

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
PORTALS = ROOT / "portals"
LABELS = Path(__file__).parent / "labels"
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es", "pt", "de")
JSON_TYPES = ("application/json", "application/ld+json")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def long_date(day: date, language: str) -> str:
    """The date as a page in `language` writes it."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    months = load_lexicon(language).terms("months")
    month = months[day.month - 1]
    if language in ("es", "pt"):
        return f"{day.day} de {month} de {day.year}"
    if language == "de":
        return f"{day.day}. {month.capitalize()} {day.year}"
    if language == "ru":
        return f"{day.day} {month} {day.year} г."
    if language == "ar":
        return f"{day.day} {month} {day.year}".translate(_ARABIC_DIGITS)
    if language == "en":
        return f"{day.day} {month.capitalize()} {day.year}"
    return f"{day.day} {month} {day.year}"


def render(text: str, language: str, today: date) -> str:
    out = text
    while "{{date:" in out:
        start = out.index("{{date:")
        end = out.index("}}", start)
        days = int(out[start + 7 : end])
        out = out[:start] + long_date(today + timedelta(days=days), language) + out[end + 2 :]
    return out


class _PortalHandler(SimpleHTTPRequestHandler):
    language = "en"

    def log_message(self, *args: object) -> None:
        pass

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "last-modified":
            super().send_header(keyword, value)

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/account/"):
            self.send_response(302)
            self.send_header("Location", f"/login.html?next={path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.startswith("/api/3/action/"):
            self._ckan(path.rsplit("/", 1)[-1], {k: v[0] for k, v in parse_qs(parts.query).items()})
            return
        if path.endswith(".html") or path == "/":
            file = Path(self.directory) / (path.lstrip("/") or "index.html")
            if file.is_file():
                text = render(file.read_text(encoding="utf-8"), self.language, date.today())
                self._reply(200, text.encode("utf-8"), "text/html; charset=utf-8")
                return
        if path.endswith((".json", ".jsonld")):
            file = Path(self.directory) / path.lstrip("/")
            if file.is_file():
                kind = "application/ld+json" if path.endswith(".jsonld") else "application/json"
                self._reply(200, file.read_bytes(), kind)
                return
        super().do_GET()

    def _ckan(self, action: str, query: dict[str, str]) -> None:
        file = Path(self.directory) / "api" / "catalogue.json"
        if not file.is_file():
            self._reply(404, b'{"success": false}', "application/json")
            return
        packages: list[dict[str, Any]] = json.loads(file.read_text(encoding="utf-8"))["packages"]
        if action == "package_list":
            result: Any = [p["name"] for p in packages]
        elif action == "package_search":
            q = query.get("q", "").casefold()
            found = [p for p in packages if not q or q in json.dumps(p, ensure_ascii=False).casefold()]
            rows = int(query.get("rows", 10))
            result = {"count": len(found), "results": found[:rows]}
        elif action == "package_show":
            result = next((p for p in packages if p["name"] == query.get("id")), None)
        else:
            result = None
        status = 200 if result is not None else 404
        body = json.dumps({"success": status == 200, "result": result}, ensure_ascii=False).encode("utf-8")
        self._reply(status, body, "application/json")


@contextmanager
def serve_portal(folder: Path, language: str) -> Iterator[str]:
    handler = type("Handler", (_PortalHandler,), {"language": language})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


async def _assess(site: SiteConfig) -> dict[str, Any]:
    guard = AddressGuard(allowed_hosts=site.scope_hosts, allow_private=True)
    instruments = instruments_for(site.kind)
    engine = RuleEngine(load_modules(), instruments)
    lexicons = Lexicons.load()
    findings = []
    async with Fetcher(guard, FetchSettings(timeout_s=5, deadline_s=15, retries=0)) as fetcher:
        crawler = Crawler(
            site,
            fetcher,
            RobotsCache(fetcher),
            None,
            (),
            CrawlSettings(render=RenderMode.NEVER, concurrency=8, per_host=8, use_sitemaps=False),
        )

        async def probe(url: str) -> PageSnapshot:
            snapshot = await crawler.probe(url)
            if snapshot.ok and not snapshot.html and snapshot.content_type in JSON_TYPES:
                fetched = await fetcher.fetch(url)
                snapshot = replace(snapshot, html=fetched.text)
            return snapshot

        pages = []
        async for crawled in crawler.crawl():
            pages.append(replace(crawled.snapshot, html="", dom=None))
            findings += engine.check_page(PageView(crawled.snapshot), lexicons)
        findings += await engine.check_site(SiteView(site, pages, lexicons, fetch=probe))
    answers = [a for key in instruments for a in decide(load_instrument(key), findings, engine.covered())]
    return {"pages": [p.final_url for p in pages], "answers": [answer_dict(a) for a in answers]}


def assess_portal(language: str, folder: Path | None = None) -> dict[str, Any]:
    """Serve `folder` (default: the language's portal fixture) and assess it as a national portal."""
    with serve_portal(folder or PORTALS / language, language) as base:
        site = SiteConfig(
            name=f"portal-{language}",
            start_urls=(base + "/index.html",),
            kind=SiteKind.NATIONAL_PORTAL,
            languages=(language,),
            max_pages=60,
            allow_private=True,
        )
        return asyncio.run(_assess(site))
