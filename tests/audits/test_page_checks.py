"""Bypass blocks, page title, page language, generic link texts and video captions on served pages."""

from __future__ import annotations

import pytest

from audits.checks.bypass import BypassBlocksCheck
from audits.checks.language import LanguageCheck, classify_language, valid_language_tag
from audits.checks.link_purpose import LinkPurposeCheck
from audits.checks.media import VideoCaptionsCheck, is_video_host
from audits.checks.title import PageTitleCheck, classify_title
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only, wav
from tests.localserver import Response

pytestmark = pytest.mark.browser

NAV = "<nav>" + "".join(f'<a href="/s{i}">Section {i}</a>' for i in range(6)) + "</nav>"
EN_TEXT = (
    "The ministry publishes an annual report on online public services and on how citizens take part "
    "in public decisions. Apply for a permit, renew your identity card or pay local taxes online. "
)
FR_TEXT = (
    "Le ministère publie chaque année un rapport sur les services publics en ligne et sur la participation "
    "des citoyens aux décisions publiques. Demandez un permis ou renouvelez votre carte d'identité en ligne. "
)


def doc(body: str, *, title: str = "Permits and licences – Ministry of Interior", lang: str | None = "en") -> str:
    lang_attr = f' lang="{lang}"' if lang is not None else ""
    head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
    return f"<!doctype html><html{lang_attr}>{head}<body>{body}</body></html>"


ROUTES = {
    # 2.4.1
    "/skip": doc('<a href="#content">Skip to content</a>' + NAV + '<div id="content"><h1>Hi</h1></div>'),
    "/main": doc(NAV + "<main><h1>Hi</h1></main>"),
    "/broken-skip": doc('<a href="#nowhere">Skip to content</a>' + NAV + "<div><p>Hi</p></div>"),
    "/plain": doc("<div><p>A short page with nothing repeated before its content.</p></div>"),
    "/no-bypass": doc(NAV + "<div><p><b>Hi</b></p><p>" + EN_TEXT + "</p></div>"),
    # A heading after the navigation starts the content (H69); a control before it may collapse it.
    "/heading": doc(NAV + "<div><h1>Hi</h1><p>" + EN_TEXT + "</p></div>"),
    "/toggle": doc(
        '<button aria-controls="menu" aria-expanded="true">Menu</button>'
        + NAV.replace("<nav>", '<nav id="menu">')
        + "<div><p>"
        + EN_TEXT
        + "</p></div>"
    ),
    # 2.4.2 / 3.1.1
    "/untitled": doc("<main><p>x</p></main>", title="Untitled"),
    "/home": doc("<main><p>x</p></main>", title=" Home | "),
    "/no-title": doc("<main><p>x</p></main>", title=""),
    "/en": doc(f"<main><p>{EN_TEXT * 2}</p></main>"),
    "/fr-as-en": doc(f"<main><p>{FR_TEXT * 2}</p></main>", lang="en"),
    "/fr-quote": doc(f'<main><p>{EN_TEXT * 2}</p><blockquote lang="fr">{FR_TEXT * 3}</blockquote></main>'),
    "/no-lang": doc(f"<main><p>{EN_TEXT}</p></main>", lang=None),
    "/bad-lang": doc(f"<main><p>{EN_TEXT}</p></main>", lang="english"),
    # 2.4.4
    "/generic": doc(
        "<main><p>Annual report 2024. <a href='/r'>Read more »</a></p>"
        "<p><a href='/f'>Click here</a> for forms.</p><a href='/x'><img src='data:,' alt='Permits'></a></main>"
    ),
    "/generic-fr": doc(
        "<main><p>Rapport annuel. <a href='/r'>Lire la suite…</a> <a href='/s'>en savoir plus</a></p></main>",
        lang="fr",
    ),
    "/clear": doc(
        "<main><a href='/r'>Annual report 2024</a> <a href='/m' aria-label='More about permits'>More</a></main>"
    ),
    # 1.2.2
    "/video": doc("<main><video src='/v.mp4' controls></video></main>"),
    "/video-captioned": doc(
        "<main><video src='/v.mp4' controls><track kind='captions' src='/v.vtt' srclang='en'></video></main>"
    ),
    "/youtube": doc("<main><iframe title='Launch' src='https://www.youtube-nocookie.com/embed/abc'></iframe></main>"),
    "/map": doc("<main><iframe title='Map' src='/map.html'></iframe></main>"),
}


@pytest.fixture(scope="module")
def results(chromium: str) -> dict:
    routes = {path: Response(html) for path, html in ROUTES.items()}
    inspectors = [BypassBlocksCheck(), PageTitleCheck(), LanguageCheck(), LinkPurposeCheck(), VideoCaptionsCheck()]
    # The videos' file: a sound (a missing file is a video nobody can play, which needs no captions).
    assets = {"/v.mp4": Response(wav(), headers={"Content-Type": "audio/wav"})}
    return inspect_pages(chromium, routes, inspectors, assets=assets)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/skip", Outcome.PASSED),
        ("/main", Outcome.PASSED),
        ("/broken-skip", Outcome.FAILED),
        ("/no-bypass", Outcome.FAILED),
        ("/heading", Outcome.PASSED),
        ("/toggle", Outcome.NEEDS_REVIEW),
        ("/plain", Outcome.INAPPLICABLE),
    ],
)
def test_bypass_blocks(results: dict, path: str, expected: Outcome) -> None:
    r = only(results[path], "bypass-blocks")
    assert r.outcome is expected and r.wcag == ("2.4.1",)


def test_broken_skip_link_is_pointed_at(results: dict) -> None:
    r = only(results["/broken-skip"], "bypass-blocks")
    assert r.nodes[0].message == "skip link target #nowhere does not exist"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en", Outcome.PASSED),
        ("/untitled", Outcome.NEEDS_REVIEW),
        ("/home", Outcome.NEEDS_REVIEW),
        ("/no-title", Outcome.FAILED),
    ],
)
def test_page_title(results: dict, path: str, expected: Outcome) -> None:
    r = only(results[path], "page-title")
    assert r.outcome is expected
    assert bool(r.reason) == (expected is not Outcome.PASSED)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en", Outcome.PASSED),
        ("/fr-quote", Outcome.PASSED),
        ("/fr-as-en", Outcome.NEEDS_REVIEW),
        ("/no-lang", Outcome.FAILED),
        ("/bad-lang", Outcome.FAILED),
    ],
)
def test_page_language(results: dict, path: str, expected: Outcome) -> None:
    r = only(results[path], "page-language")
    assert r.outcome is expected, r.reason


def test_language_mismatch_names_the_detected_language(results: dict) -> None:
    assert "'fr'" in only(results["/fr-as-en"], "page-language").reason


def test_generic_links_need_review_with_their_context(results: dict) -> None:
    r = only(results["/generic"], "link-purpose-generic")
    assert r.outcome is Outcome.NEEDS_REVIEW and r.wcag == ("2.4.4",)
    assert [n.html for n in r.nodes] == ['<a href="/r">Read more »</a>', '<a href="/f">Click here</a>']
    assert "Annual report 2024" in r.nodes[0].message


def test_generic_links_in_the_page_language(results: dict) -> None:
    r = only(results["/generic-fr"], "link-purpose-generic")
    assert r.outcome is Outcome.NEEDS_REVIEW and len(r.nodes) == 2


def test_descriptive_links_and_labels_pass(results: dict) -> None:
    assert only(results["/clear"], "link-purpose-generic").outcome is Outcome.PASSED
    assert only(results["/no-title"], "link-purpose-generic").outcome is Outcome.INAPPLICABLE


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/video", Outcome.NEEDS_REVIEW),
        ("/video-captioned", Outcome.PASSED),
        ("/youtube", Outcome.NEEDS_REVIEW),
        ("/map", Outcome.INAPPLICABLE),
    ],
)
def test_video_captions(results: dict, path: str, expected: Outcome) -> None:
    r = only(results[path], "video-captions")
    assert r.outcome is expected and r.wcag == ("1.2.2",)
    if expected is Outcome.NEEDS_REVIEW:
        assert r.nodes and r.reason


def test_pure_helpers() -> None:
    assert classify_title("Renew a passport – GOV")[0] is Outcome.PASSED
    assert classify_title("Accueil")[0] is Outcome.NEEDS_REVIEW
    assert valid_language_tag("zh-Hant-TW") and valid_language_tag("es-419") and valid_language_tag("fra")
    assert not valid_language_tag("en_US") and not valid_language_tag("xx") and not valid_language_tag("")
    assert valid_language_tag("en-US-GB") and not valid_language_tag("xx-US-GB")  # ACT reads the primary subtag
    assert classify_language("nb", "")[0] is Outcome.PASSED  # too little text to compare: tag alone decides
    assert is_video_host("https://player.vimeo.com/video/1") and is_video_host("https://m.youtube.com/embed/x")
    assert not is_video_host("https://youtube.com.example.net/embed/x") and not is_video_host("/map.html")
