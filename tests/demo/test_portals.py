"""The demo portals, served over HTTP: pages, links, languages, search, login, dates, truth file."""

from __future__ import annotations

import re
import threading
from contextlib import closing
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from govaudit.demo.server import DemoServer, long_date, render_tokens
from tests.demo.crawl import Fetched, crawl

TOKEN = re.compile(r"\{\{[a-z_]+(:[+-]?\d+)?\}\}")


@pytest.fixture(scope="module")
def national_crawl(national: DemoServer) -> dict[str, Fetched]:
    return crawl(national.base_url)


@pytest.fixture(scope="module")
def city_crawl(city: DemoServer) -> dict[str, Fetched]:
    return crawl(city.base_url)


def html_pages(pages: dict[str, Fetched]) -> dict[str, Fetched]:
    return {path: page for path, page in pages.items() if page.is_html}


def signed_in(server: DemoServer) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, timeout=10)
    username, password = server.credentials
    client.post("/login", data={"username": username, "password": password, "lang": "en"})
    return client


# --- crawl --------------------------------------------------------------------------------------


def test_national_has_enough_pages(national_crawl: dict[str, Fetched], truth: dict[str, Any]) -> None:
    pages = html_pages(national_crawl)
    distinct = {path.split("?", 1)[0] for path in pages}
    assert len(distinct) >= truth["portals"]["national"]["pages_min"]
    assert {"/en/", "/fr/", "/en/contact.html", "/en/sitemap.html", "/en/open-data.html"} <= set(pages)


def test_no_broken_internal_links(national_crawl: dict[str, Fetched], city_crawl: dict[str, Fetched]) -> None:
    for pages in (national_crawl, city_crawl):
        broken = {p.path: sorted(p.referrers) for p in pages.values() if p.status >= 400}
        assert not broken


def test_js_only_pages_are_not_reachable_statically(
    national: DemoServer, national_crawl: dict[str, Fetched], truth: dict[str, Any]
) -> None:
    js_only = truth["portals"]["national"]["js_only"]
    assert js_only
    assert not set(js_only) & set(national_crawl)
    with httpx.Client(base_url=national.base_url) as client:
        for path in js_only:
            assert client.get(path).status_code == 200
        listed = client.get("/data/directory.en.json").json()["bodies"]
    assert {"/en/agencies/revenue-authority.html", "/en/agencies/statistics-office.html"} <= {
        b["url"] for b in listed
    }


def test_protected_pages_are_not_crawled_anonymously(national_crawl: dict[str, Fetched]) -> None:
    apply = [p for p in national_crawl.values() if p.path.startswith(("/en/apply/", "/fr/apply/"))]
    assert apply and all(p.status == 303 for p in apply)


def test_every_page_has_the_basics(national_crawl: dict[str, Fetched], city_crawl: dict[str, Fetched]) -> None:
    for pages in (national_crawl, city_crawl):
        for path, page in html_pages(pages).items():
            tree = page.tree()
            html = tree.css_first("html")
            assert html is not None and html.attributes.get("lang"), path
            title = tree.css_first("title")
            assert title is not None and title.text().strip(), path
            viewport = tree.css_first('meta[name="viewport"]')
            assert viewport is not None and "width=device-width" in (viewport.attributes.get("content") or "")
            skip = tree.css_first("a.skip-link")
            assert skip is not None and skip.attributes.get("href") == "#main", path
            assert tree.css_first("main#main") is not None, path
            assert not tree.css('script[src^="http"], link[href^="http"][rel="stylesheet"], img[src^="http"]')


def test_every_national_page_has_a_search_form(national_crawl: dict[str, Fetched]) -> None:
    for path, page in html_pages(national_crawl).items():
        form = page.tree().css_first('form[role="search"]')
        assert form is not None, path
        assert form.attributes.get("method") == "get"
        assert form.css_first('input[type="search"][name="q"]') is not None


def test_every_english_page_has_a_french_twin(national_crawl: dict[str, Fetched]) -> None:
    pages = html_pages(national_crawl)
    english = [p for p in pages if p.startswith("/en/") and "?" not in p]
    assert len(english) >= 20
    for path in english:
        tree = pages[path].tree()
        fr = tree.css_first('link[rel="alternate"][hreflang="fr"]')
        assert fr is not None, path
        twin = fr.attributes.get("href") or ""
        assert twin == "/fr/" + path.removeprefix("/en/")
        assert twin in pages, twin
        twin_tree = pages[twin].tree()
        assert twin_tree.css_first("html").attributes.get("lang") == "fr"  # type: ignore[union-attr]
        back = twin_tree.css_first('link[rel="alternate"][hreflang="en"]')
        assert back is not None and back.attributes.get("href") == path
        switcher = tree.css_first(f'.lang-switch a[href="{twin}"][lang="fr"]')
        assert switcher is not None, path


def test_city_portal(city: DemoServer, city_crawl: dict[str, Fetched], truth: dict[str, Any]) -> None:
    pages = html_pages(city_crawl)
    assert len(pages) >= truth["portals"]["city"]["pages_min"]
    for page in pages.values():
        tree = page.tree()
        assert "City of Port Aldren" in (tree.css_first("footer").text())  # type: ignore[union-attr]
        assert tree.css_first('input[type="search"]') is None
    with httpx.Client(base_url=city.base_url) as client:
        assert client.get("/search?q=waste").status_code == 404
        response = client.post("/feedback", data={"topic": "Other", "message": "Thanks"})
        assert response.status_code == 303 and response.headers["location"] == "/feedback-thanks.html"


# --- search -------------------------------------------------------------------------------------


def _result_links(html: str) -> list[str]:
    tree = LexborHTMLParser(html)
    return [a.attributes.get("href") or "" for a in tree.css("ol.results > li > a")]


def test_search_returns_pages_containing_the_word(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        response = client.get("/en/search", params={"q": "licence"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        links = _result_links(response.text)
        assert len(links) >= 3
        assert "/en/services/fishing-licence.html" in links
        for link in links:
            assert link.startswith("/en/")
            assert "licence" in client.get(link).text.lower()
        french = _result_links(client.get("/fr/search", params={"q": "permis"}).text)
        assert french and all(link.startswith("/fr/") for link in french)
        # Accents do not matter, and /search picks the language of the referring page.
        assert _result_links(client.get("/fr/search", params={"q": "peche"}).text)
        by_referer = client.get("/search", params={"q": "permis"}, headers={"Referer": national.url("/fr/")})
        assert _result_links(by_referer.text) == french


def test_search_for_nonsense_returns_nothing(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        for lang, message in (("en", "No results"), ("fr", "Aucun résultat")):
            response = client.get(f"/{lang}/search", params={"q": "qzxwvortplk"})
            assert response.status_code == 200
            assert _result_links(response.text) == []
            assert message in response.text
        escaped = client.get("/en/search", params={"q": "<script>x</script>"}).text
        assert "<script>x</script>" not in escaped


# --- login and protected forms ------------------------------------------------------------------


def test_application_form_requires_login(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        response = client.get("/en/apply/income-tax.html")
        assert response.status_code == 303
        assert response.headers["location"] == "/en/login.html?next=/en/apply/income-tax.html"
        login_page = client.get(response.headers["location"])
        assert 'value="/en/apply/income-tax.html"' in login_page.text
        form = LexborHTMLParser(login_page.text).css_first('form[action="/login"]')
        assert form is not None and form.css_first('input[type="password"]') is not None

        wrong = client.post("/login", data={"username": "citizen", "password": "nope", "lang": "en"})
        assert wrong.status_code == 303 and "error=1" in wrong.headers["location"]
        assert "Incorrect username or password" in client.get(wrong.headers["location"]).text
        assert client.post("/en/apply/submit", data={}).headers["location"] == "/en/login.html"

        username, password = national.credentials
        ok = client.post(
            "/login",
            data={"username": username, "password": password, "lang": "en", "next": "/en/apply/income-tax.html"},
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/en/apply/income-tax.html"
        assert "vld_session=" in ok.headers["set-cookie"] and "HttpOnly" in ok.headers["set-cookie"]
        form_page = client.get("/en/apply/income-tax.html")
        assert form_page.status_code == 200
        assert LexborHTMLParser(form_page.text).css_first('form[action="/en/apply/submit"]') is not None
        submitted = client.post("/en/apply/submit", data={"service": "income-tax"})
        assert submitted.headers["location"] == "/en/apply/submitted.html"
        assert client.get("/fr/apply/birth-certificate.html").status_code == 200
        client.get("/logout")
        assert client.get("/en/apply/income-tax.html").status_code == 303


def test_petition_can_be_signed(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url, follow_redirects=True) as client:
        response = client.post("/fr/participation/petition/sign", data={"name": "A", "email": "a@b.c"})
        assert response.status_code == 200
        assert str(response.url).endswith("/fr/participation/petition-thanks.html")


# --- dates, headers, sitemap, robots, API -------------------------------------------------------


def test_date_tokens_are_replaced(national_crawl: dict[str, Fetched], city_crawl: dict[str, Fetched]) -> None:
    for pages in (national_crawl, city_crawl):
        for page in pages.values():
            assert not TOKEN.search(page.text), page.path


def test_dates_follow_the_serving_day() -> None:
    today = date(2026, 3, 4)
    with DemoServer.national(today=today) as server, httpx.Client(base_url=server.base_url) as client:
        home = client.get("/en/").text
        assert 'datetime="2026-03-01">1 March 2026</time>' in home
        assert "1er mars 2026" in client.get("/fr/").text
        assert "© 2026" in home
        assert client.get("/en/").headers["last-modified"] == "Mon, 02 Mar 2026 08:00:00 GMT"
        sitemap = client.get("/sitemap.xml")
        assert sitemap.headers["content-type"] == "application/xml; charset=utf-8"
        assert f"<loc>{server.base_url}/en/</loc>\n    <lastmod>2026-03-02</lastmod>" in sitemap.text


def test_render_tokens_and_long_dates() -> None:
    day = date(2026, 11, 24)
    assert render_tokens("{{date:-3}} {{date:+1}} {{year}}", day) == "2026-11-21 2026-11-25 2026"
    assert render_tokens("{{date_long_en:-3}} / {{date_long_fr:-3}}", day) == "21 November 2026 / 21 novembre 2026"
    assert long_date(date(2027, 8, 1), "fr") == "1er août 2027"


def test_headers(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        for path, kind in (
            ("/en/contact.html", "text/html"),
            ("/assets/css/portal.css", "text/css"),
            ("/data/schools.csv", "text/csv"),
            ("/robots.txt", "text/plain"),
        ):
            response = client.get(path)
            assert response.headers["content-type"] == f"{kind}; charset=utf-8"
            assert response.headers["last-modified"].endswith("GMT")
        assert client.get("/").headers["location"] == "/en/"
        assert client.get("/en/services").status_code == 301
        assert client.get("/_templates/search.en.html").status_code == 404
        assert client.get("/en/../server.py").status_code == 404
        missing = client.get("/en/no-such-page.html")
        assert missing.status_code == 404 and "Page not found" in missing.text


def test_robots_and_sitemap(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        robots = client.get("/robots.txt").text
        assert f"Sitemap: {national.base_url}/sitemap.xml" in robots
        assert "Disallow: /admin/" in robots
        sitemap = client.get("/sitemap.xml").text
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert len(locs) >= 40
        today = date.today()
        assert f"<lastmod>{(today - timedelta(days=2)).isoformat()}</lastmod>" in sitemap
        for loc in locs:
            assert client.get(loc).status_code == 200, loc


def test_ckan_api(national: DemoServer) -> None:
    with httpx.Client(base_url=national.base_url) as client:
        names = client.get("/api/3/action/package_list").json()
        assert names["success"] and "health-facilities" in names["result"]
        found = client.get("/api/3/action/package_search", params={"q": "health"}).json()["result"]
        assert found["count"] == 1 and found["results"][0]["resources"][0]["format"] == "CSV"
        csv_url = found["results"][0]["resources"][0]["url"]
        assert client.get(csv_url).text.startswith("facility_id,")
        shown = client.get("/api/3/action/package_show", params={"id": "schools"}).json()
        assert shown["result"]["license_id"] == "cc-by"
        assert client.get("/api/3/action/package_show", params={"id": "nope"}).status_code == 404


# --- truth file and server life cycle -----------------------------------------------------------


def test_truth_evidence_exists(national: DemoServer, city: DemoServer, truth: dict[str, Any]) -> None:
    required = {"003", "005", "008", "014", "071", "074"}
    national_truth = truth["portals"]["national"]
    assert required <= set(national_truth["instruments"]["OSI-2024"])
    assert national_truth["instruments"]["OSI-2024"]["074"]["value"] == "absent"
    assert national_truth["iso3"] == "VLD" and national_truth["languages"] == ["en", "fr"]
    values = {"present", "absent", "information", "online", "not_tested"}
    for name, server in (("national", national), ("city", city)):
        with closing(signed_in(server)) as client:
            for instrument, answers in truth["portals"][name]["instruments"].items():
                for code, answer in answers.items():
                    assert answer["value"] in values, (instrument, code)
                    evidence = answer.get("evidence", [])
                    assert bool(evidence) == (answer["value"] in {"present", "information", "online"})
                    for path in evidence:
                        assert client.get(path).status_code == 200, (instrument, code, path)
        for entry in truth["portals"][name]["accessibility"]["broken"]:
            for path in (entry["path"], entry.get("clean_twin")):
                if path:
                    assert httpx.get(server.url(path)).status_code == 200


def test_server_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    server = DemoServer.city()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        for _ in range(5):
            assert httpx.get(server.url("/")).status_code == 200
    assert set(threading.enumerate()) <= before
