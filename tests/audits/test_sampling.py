"""Structured sample plus a seeded random share; the same seed gives the same sample."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from audits.sampling import choose_sample
from crawler.snapshot import PageSnapshot, ScanStatus

BASE = "https://gov.example"
CHROME = "<header><nav><ul><li><a>x</a></li></ul></nav></header>"
ARTICLE = f"<body>{CHROME}<main><article><h1>t</h1><p>p</p></article></main></body>"
LISTING = (
    f"<body>{CHROME}<main><ul class='results'><li><h3><a>r</a></h3></li></ul><nav class='pager'><a>n</a></nav></main>"
)
FORM = (
    f"<body>{CHROME}<main><form><fieldset><legend>l</legend><label>a</label><input><button>b</button></fieldset></form>"
)


def snap(
    path: str, title: str, html: str = ARTICLE, *, depth: int = 2, content_type: str = "text/html"
) -> PageSnapshot:
    return PageSnapshot(
        requested_url=BASE + path,
        final_url=BASE + path,
        depth=depth,
        status=ScanStatus.OK,
        content_type=content_type,
        html=html,
        title=title,
    )


def portal() -> list[PageSnapshot]:
    pages = [
        snap("/", "Ministry of the Interior", depth=0),
        snap("/fr/", "Ministère de l'Intérieur", depth=0),
        snap("/en/login", "Sign in", FORM, depth=1),
        snap("/fr/plan-du-site", "Plan du site", depth=1),
        snap("/en/contact-us", "Contact us", depth=1),
        snap("/en/help/faq", "Frequently asked questions", depth=1),
        snap("/fr/mentions-legales", "Mentions légales", depth=1),
        snap("/en/accessibility", "Accessibility statement", depth=1),
        snap("/en/search?q=passport", "Results", LISTING, depth=1),
        snap("/en/services/renew-passport", "Pay the passport fee", FORM),
        snap("/fr/demarches/demande-de-permis", "Demande de permis de construire", FORM),
        snap("/docs/annual-report.pdf", "", "", content_type="application/pdf"),
        snap("/broken", "Error", depth=1),
    ]
    pages[-1] = replace(pages[-1], status=ScanStatus.HTTP_ERROR)
    pages += [snap(f"/en/news/item-{i}", f"News {i}", ARTICLE, depth=3) for i in range(60)]
    pages += [snap(f"/en/news/list-{i}", f"All news, page {i}", LISTING, depth=3) for i in range(20)]
    return pages


def test_structured_part_covers_every_kind_once() -> None:
    sample = choose_sample(portal(), seed=1)
    kinds = sample.structured_kinds
    assert sample.reasons[BASE + "/"] == "home page" and sample.reasons[BASE + "/fr/"] == "home page"
    assert kinds["login"] == BASE + "/en/login"
    assert kinds["sitemap"] == BASE + "/fr/plan-du-site"
    assert kinds["contact"] == BASE + "/en/contact-us"
    assert kinds["help"] == BASE + "/en/help/faq"
    assert kinds["legal"] == BASE + "/fr/mentions-legales"
    assert kinds["accessibility"] == BASE + "/en/accessibility"
    assert kinds["search"] == BASE + "/en/search?q=passport"
    assert kinds["service: payment"] == BASE + "/en/services/renew-passport"
    assert kinds["service: permit"] == BASE + "/fr/demarches/demande-de-permis"
    assert kinds["document"] == BASE + "/docs/annual-report.pdf"
    # Three templates (article, listing, form): each has a page in the sample.
    assert sum(k.startswith("template ") for k in kinds) == 3
    assert BASE + "/broken" not in sample.urls  # only pages that loaded


def test_random_part_is_at_least_the_ratio_of_the_rest() -> None:
    sample = choose_sample(portal(), seed=3, ratio=0.10)
    structured = [u for u, why in sample.reasons.items() if not why.startswith("random")]
    rest = sample.population - len(structured)
    assert sample.random_count == math.ceil(0.10 * rest) and sample.random_count >= 0.10 * rest
    assert len(sample.urls) == len(set(sample.urls)) == len(structured) + sample.random_count
    assert choose_sample(portal(), seed=3, ratio=0.5).random_count == math.ceil(0.5 * rest)


def test_same_seed_same_sample_whatever_the_crawl_order() -> None:
    pages = portal()
    first = choose_sample(pages, seed=42)
    shuffled = pages[:]
    random.Random(9).shuffle(shuffled)
    again = choose_sample(shuffled, seed=42)
    assert again.urls == first.urls and again.reasons == first.reasons and again.seed == 42
    other = choose_sample(pages, seed=43)
    randoms = {u for u, why in first.reasons.items() if why.startswith("random")}
    assert randoms != {u for u, why in other.reasons.items() if why.startswith("random")}


def test_custom_lexicon() -> None:
    lexicon = {"structural": {"contact": ["write to us"]}, "services": {}, "documents": ["pdf"]}
    pages = [snap("/", "Home", depth=0), snap("/write-to-us", "Write to us"), snap("/contact", "Contact")]
    sample = choose_sample(pages, seed=0, lexicon=lexicon)
    assert sample.structured_kinds["contact"] == BASE + "/write-to-us"


# --- risk-based part: greedy cover of the static pre-scan candidates ------------------------------------------------

NEWS = [BASE + f"/en/news/item-{i}" for i in range(60)]


def test_cover_adds_pages_whose_candidates_the_sample_lacks() -> None:
    pages = portal()
    base = choose_sample(pages, seed=5)
    # Pages outside the base sample: one with two rare problems, one with one of them, one with a third.
    outside = [u for u in NEWS if u not in base.reasons]
    both, one, third = outside[:3]
    candidates = {
        both: {"image-alt|.body|img[src]", "link-name|.body|a[href]"},
        one: {"image-alt|.body|img[src]"},
        third: {"frame-title|.body|iframe[src]"},
    }
    sample = choose_sample(pages, seed=5, candidates=candidates)
    assert sample.urls[: len(base.urls)] == base.urls  # the cover comes after, changes nothing before
    assert sample.reasons[both] == "covers static candidates: image-alt, link-name"  # most new keys first
    assert sample.reasons[third] == "covers static candidates: frame-title"
    assert one not in sample.reasons  # nothing new left on it
    assert sample.coverage_count == 2 and sample.candidate_keys == 3 and sample.uncovered == []


def test_candidates_already_in_the_sample_add_nothing() -> None:
    pages = portal()
    base = choose_sample(pages, seed=5)
    inside = next(u for u, why in base.reasons.items() if why.startswith("random"))
    outside = next(u for u in NEWS if u not in base.reasons)
    candidates = {inside: {"image-alt|main|img[src]"}, outside: {"image-alt|main|img[src]"}}
    sample = choose_sample(pages, seed=5, candidates=candidates)
    assert sample.urls == base.urls and sample.coverage_count == 0 and sample.uncovered == []


def test_cover_is_capped_and_reports_what_stays_uncovered() -> None:
    pages = portal()
    base = choose_sample(pages, seed=5)
    outside = [u for u in NEWS if u not in base.reasons][:20]
    candidates = {url: {f"label|.f{i}|input[name]"} for i, url in enumerate(outside)}
    sample = choose_sample(pages, seed=5, candidates=candidates, cover_share=0.05)
    budget = math.floor(0.05 * sample.population)
    assert sample.coverage_count == budget < 20
    assert len(sample.uncovered) == 20 - budget
    assert choose_sample(pages, seed=5, candidates=candidates, cover_share=0.0).coverage_count == 0


def test_cover_is_reproducible_and_ties_follow_the_seed() -> None:
    pages = portal()
    bases = [choose_sample(pages, seed=s).reasons for s in (5, 6, 7, 8)]
    outside = [u for u in NEWS if all(u not in reasons for reasons in bases)]
    candidates = {url: {"image-alt|main|img[src]"} for url in outside}  # any one of them covers the key
    picks = set()
    for seed in (5, 6, 7, 8):
        first = choose_sample(pages, seed=seed, candidates=candidates)
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        assert choose_sample(shuffled, seed=seed, candidates=candidates).reasons == first.reasons
        (picked,) = [u for u, why in first.reasons.items() if why.startswith("covers")]
        picks.add(picked)
    assert len(picks) > 1


def test_cover_with_prescan_of_real_html() -> None:
    from audits.prescan import prescan

    clean = f"<html lang='en'><body>{CHROME}<main><p>fine</p></main></body></html>"
    broken = f"<html lang='en'><body>{CHROME}<main><p><img src='x.png'></p><a href='/x'></a></main></body></html>"
    pages = [snap("/", "Home", clean, depth=0)] + [snap(f"/p/{i}", f"P {i}", clean) for i in range(30)]
    pages.append(snap("/p/odd", "Odd", broken))
    candidates = {p.final_url: prescan(p.html) for p in pages}
    sample = choose_sample(pages, seed=1, ratio=0.0, candidates=candidates)
    assert sample.reasons[BASE + "/p/odd"] in (
        "covers static candidates: image-alt, link-name",
        "template cluster 1 (1 pages)",  # a different enough page may be its own template
    )
    assert sample.uncovered == []


def test_components_come_after_likely_problems_within_the_cap() -> None:
    pages = portal()
    base = choose_sample(pages, seed=5)
    a, b, c = [u for u in NEWS if u not in base.reasons][:3]
    # b shows three unseen components, a one likely problem: the problem goes first, whatever the counts.
    candidates = {
        a: {"image-alt|main|img[src]"},
        b: {"component|div.scroll-box|", "component|p.callout|", "component|div.chart|"},
        c: {"component|div.scroll-box|"},
    }
    sample = choose_sample(pages, seed=5, candidates=candidates)
    added = [u for u, why in sample.reasons.items() if why.startswith("covers")]
    assert added == [a, b]
    assert sample.reasons[b] == (
        "covers static candidates: component div.chart, component div.scroll-box, component p.callout"
    )
    capped = choose_sample(pages, seed=5, candidates=candidates, cover_share=1.5 / sample.population)
    assert [u for u, why in capped.reasons.items() if why.startswith("covers")] == [a]
    assert capped.uncovered == ["component|div.chart|", "component|div.scroll-box|", "component|p.callout|"]


def test_components_have_their_own_smaller_cap() -> None:
    pages = portal()
    base = choose_sample(pages, seed=5)
    outside = [u for u in NEWS if u not in base.reasons][:10]
    candidates = {url: {f"component|div.c{i}|"} for i, url in enumerate(outside)}  # each article its own class
    sample = choose_sample(pages, seed=5, candidates=candidates, cover_share=0.20, later_tier_share=0.03)
    assert sample.coverage_count == math.floor(0.03 * sample.population) < 10
    assert len(sample.uncovered) == 10 - sample.coverage_count
