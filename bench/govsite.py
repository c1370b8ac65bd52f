"""A generated N-page government site with several templates and realistic accessibility problems, for benchmarks.

    .venv/bin/python bench/govsite.py --pages 2000 --out out/govsite            # write the files
    .venv/bin/python bench/govsite.py --pages 2000 --out out/govsite --serve    # and serve them until Ctrl-C

Serve it with `sites.serve(root)` (bench/sites.py) and start at `BASE/`. Deterministic: the same `--pages` and
`--seed` give byte-identical files. `manifest.json` (not linked from any page) lists every page with its template
and the content problems planted on it, for checking a sample against the truth.

**Pages** (`plan`). Twelve singletons: home `/`, HTML site map, search results (`/search/?q=…`), contact, help,
FAQ, privacy, terms, cookies, accessibility statement, sign-in, about. Four section hubs (services, offices,
consultations, publications) each link to every page of their section. Of the rest, `R = N - 16`, each template
below gets ⌊R × share⌋ pages; news articles and their listing pages take what is left:

| template | share of R | URL | what it is |
|---|---|---|---|
| news article | the rest (~38 %) | `/news/article-NNNNN.html` | byline, body with headings, figures, share bar |
| service | 25 % | `/services/service-NNNNN.html` | "Apply / Pay / Register …" page: steps, fee table, start button |
| basic page | 9 % (+ 0–1) | `/about/page-NNNNN.html` | plain text page (policies, organisation) |
| form | 7 % | `/forms/form-NNNNN.html` | an online application form with fieldsets |
| office | 6 % | `/offices/office-NNNNN.html` | a local office: address, opening hours table, map iframe |
| PDF document | 6 % | `/documents/files/doc-NNNNN.pdf` | small PDF (pikepdf), linked from the document listings |
| consultation | 4 % | `/participate/consultation-NNNNN.html` | e-participation: proposal, tabs, comment form |
| news listing | ⌈articles / 20⌉ | `/news/page-NNN.html` | 20 articles per page, filters, pagination |
| document listing | ⌈PDFs / 25⌉ | `/documents/list-NNN.html` | a table of 25 documents |

Every page is linked from the site map, which the footer of every page links: all pages are within 2 clicks of the
home page (PDFs 3). `--max-pages N` therefore crawls the whole site (N counts the PDFs).

**Template problems**, on every page of the template (axe-core rule in brackets):
- every page (header/footer): logo image without alt [image-alt], header search box without label [label],
  low-contrast footer legal line [color-contrast], empty social-media icon links in the footer [link-name];
- home: carousel previous/next buttons without a name [button-name], low-contrast hero caption [color-contrast];
- news listing: year filter <select> without label [select-name], icon-only "next page" link [link-name];
- news article: icon-only share links [link-name], low-contrast byline [color-contrast];
- service: "on this page" list with <div> children [list];
- form: national-ID field with a visible text but no label [label], invalid autocomplete token [autocomplete-valid];
- office: map iframe without title [frame-title];
- consultation: comment box without label [label], tabs (role=tab) outside a tablist [aria-required-parent];
- document listing: file-type icons without alt [image-alt];
- FAQ: aria-expanded on plain <div> headers [aria-allowed-attr]; search results: low-contrast result count
  [color-contrast]; sign-in: password field without label [label]; contact: message box without label [label];
- PDFs: none tagged [pdf-tagged]; 55 % without /Lang [pdf-language], 35 % without a title [pdf-title],
  8 % scanned (an image, no text layer) [pdf-text-layer]. Hubs, site map, basic, legal and statement pages have
  only the site-wide problems.

**Content problems**, drawn per page with these probabilities (template in brackets; `CONTENT_DEFECTS`):
body image without alt (article 6 %, service 3 %, basic 3 %), empty link (article 3 %, service 2 %, basic 2 %),
low-contrast call-out (article 5 %, service 4 %), skipped heading level h2 → h4 (article 10 %, basic 8 %; axe's
heading-order is best practice, so no WCAG rule reports it), untitled video iframe (article 2 %), <video> without
captions (article 1 %), invalid lang attribute (article 1 %, basic 1 %), unlabeled postcode field (service 2 %),
aria-hidden focusable link (article 1 %), table `headers` pointing at missing ids (service 1 %), unlabeled select
(consultation 5 %).

**One-offs** (`ONE_OFFS`): each placed on 1–3 pages (the number and the pages drawn with the seed, among
articles, services, basic pages and consultations): marquee, blink, meta refresh, object without text,
image button without alt, image-map areas without alt, svg role=img without a name, progress bar without a name,
server-side image map, nested interactive controls, role=img without a name, scrollable region without focusable
content. Rare problems are what real sites have; they are not tuned to help or hurt a sample.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import random
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sites import PNG, serve  # bench/ is a folder of scripts, not a package

SHARES = {"article": 38, "service": 25, "basic": 9, "form": 7, "office": 6, "pdf": 6, "consultation": 4}
ARTICLES_PER_LISTING = 20
DOCUMENTS_PER_LISTING = 25
# Per-page content problems: template → (problem, probability).
CONTENT_DEFECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "article": (
        ("img-no-alt", 0.06), ("empty-link", 0.03), ("low-contrast", 0.05), ("skipped-heading", 0.10),
        ("video-iframe-no-title", 0.02), ("video-no-captions", 0.01), ("bad-lang", 0.01),
        ("aria-hidden-focus", 0.01),
    ),
    "service": (
        ("img-no-alt", 0.03), ("empty-link", 0.02), ("low-contrast", 0.04), ("unlabeled-postcode", 0.02),
        ("bad-headers", 0.01),
    ),
    "basic": (("img-no-alt", 0.03), ("empty-link", 0.02), ("skipped-heading", 0.08), ("bad-lang", 0.01)),
    "consultation": (("unlabeled-select", 0.05),),
}  # fmt: skip
ONE_OFFS = (
    "marquee", "blink", "meta-refresh", "object-no-alt", "input-image-no-alt", "area-no-alt", "svg-no-name",
    "progressbar-no-name", "server-side-map", "nested-interactive", "role-img-no-name", "scrollable-region",
)  # fmt: skip
ONE_OFF_HOSTS = ("article", "service", "basic", "consultation")
PDF_NO_LANG, PDF_NO_TITLE, PDF_SCANNED = 0.55, 0.35, 0.08

TOPICS = (
    "passports", "driving licences", "income tax", "business registration", "pensions", "housing benefit",
    "birth certificates", "vehicle tax", "school enrolment", "health insurance", "building permits",
    "unemployment support", "land registry", "voter registration", "customs", "visas", "fishing permits",
    "child benefit", "waste collection", "public transport", "firearms licences", "marriage certificates",
)  # fmt: skip
SERVICE_VERBS = ("Apply for", "Renew", "Pay", "Register for", "Get a certificate for", "Book an appointment for")
_WORDS_TEXT = (
    "the ministry citizens residents service online apply within working days fee payment office appointment "
    "eligibility rules guidance national portal update form submit review decision status appeal support contact "
    "information records secure account identity verification regional council budget consultation policy public "
    "programme reform report annual data open government agency department minister announced new measures"
)
WORDS = tuple(_WORDS_TEXT.split())

CSS = """body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff}
.site-header{background:#0b3d6b;color:#fff;padding:12px 24px}.site-header a{color:#fff}
.brand{display:flex;gap:16px;align-items:center}.main-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:12px;
margin:0;padding:0}.lang-switch{float:right}.breadcrumb{padding:8px 24px;font-size:.9em}
.breadcrumb ol{list-style:none;display:flex;gap:8px;margin:0;padding:0}
main{max-width:960px;margin:0 auto;padding:16px 24px}.cards{display:grid;gap:16px;
grid-template-columns:repeat(auto-fill,minmax(200px,1fr))}.card{border:1px solid #ccc;padding:12px}
img{max-width:100%;height:auto}.callout{background:#fff;color:#b8b8b8;padding:8px}
.byline{color:#a9a9a9}.hero{background:#e9f1f8;padding:24px}.hero-caption{color:#9ab}
.result-count{color:#bbb}.req{color:#f0a0a0}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #999;padding:4px 8px;text-align:left}.site-footer{background:#f4f4f4;padding:24px}
.footer-cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr))}.footer-legal{color:#b0b0b0}
.social a{display:inline-block;width:24px;height:24px;background:#0b3d6b;margin-right:8px}
.share a{display:inline-block;width:24px;height:24px;background:#555;margin-right:4px}
.pager a{margin-right:6px}.tabs{display:flex;gap:8px}.scroll-box{overflow:auto;height:60px;width:300px}
label{display:block;margin-top:8px}
"""


@dataclass(slots=True)
class PageSpec:
    path: str
    template: str
    title: str
    number: int = 0
    topic: str = ""
    defects: list[str] = field(default_factory=list)


# --- the plan: which pages, which problems ---------------------------------------------------------------------


def _counts(n: int) -> dict[str, int]:
    """Pages per template for a site of n pages (at least 60): exactly n with the singletons and hubs."""
    if n < 60:
        raise ValueError("govsite needs at least 60 pages")
    rest = n - 16  # singletons and hubs
    counts = {t: math.floor(rest * share / 100) for t, share in SHARES.items() if t != "article"}
    counts["doclist"] = math.ceil(counts["pdf"] / DOCUMENTS_PER_LISTING)
    left = rest - sum(counts.values())  # articles and their listing pages
    articles = left
    while articles + math.ceil(articles / ARTICLES_PER_LISTING) > left:
        articles -= 1
    counts["basic"] += left - articles - math.ceil(articles / ARTICLES_PER_LISTING)  # 0 or 1 page of slack
    counts["article"], counts["listing"] = articles, math.ceil(articles / ARTICLES_PER_LISTING)
    return counts


def plan(n: int, seed: int = 1) -> list[PageSpec]:
    """Every page of the site, home first, with the content problems drawn for it."""
    rng = random.Random(f"govsite:{seed}")
    specs = [
        PageSpec("/", "home", "Ministry of Public Services"),
        PageSpec("/sitemap.html", "sitemap", "Site map"),
        PageSpec("/search/?q=passport", "search", "Search results for passport"),
        PageSpec("/contact.html", "contact", "Contact us"),
        PageSpec("/help/", "help", "Help using this website"),
        PageSpec("/help/faq.html", "faq", "Frequently asked questions"),
        PageSpec("/privacy.html", "legal", "Privacy notice"),
        PageSpec("/terms.html", "legal", "Terms and conditions"),
        PageSpec("/cookies.html", "legal", "Cookies"),
        PageSpec("/accessibility.html", "statement", "Accessibility statement"),
        PageSpec("/account/sign-in.html", "login", "Sign in to your account"),
        PageSpec("/about/", "basic", "About the ministry"),
        PageSpec("/services/", "hub", "Services and information"),
        PageSpec("/offices/", "hub", "Find a local office"),
        PageSpec("/participate/", "hub", "Have your say: public consultations"),
        PageSpec("/documents/", "hub", "Publications"),
    ]
    counts = _counts(n)
    for i in range(counts["article"]):
        topic = rng.choice(TOPICS)
        headline = rng.choice(("Changes to", "New rules for", "Minister announces reform of", "Update on"))
        specs.append(PageSpec(f"/news/article-{i:05d}.html", "article", f"{headline} {topic} ({i})", i, topic))
    for i in range(counts["listing"]):
        specs.append(PageSpec(f"/news/page-{i + 1:03d}.html", "listing", f"News, page {i + 1}", i + 1))
    for i in range(counts["service"]):
        topic = rng.choice(TOPICS)
        specs.append(PageSpec(f"/services/service-{i:05d}.html", "service", f"{rng.choice(SERVICE_VERBS)} {topic}",
                              i, topic))  # fmt: skip
    for i in range(counts["basic"]):
        topic = rng.choice(TOPICS)
        kind = rng.choice(("Our policy on", "Organisation of", "History of", "Strategy for"))
        specs.append(PageSpec(f"/about/page-{i:05d}.html", "basic", f"{kind} {topic}", i, topic))
    for i in range(counts["form"]):
        topic = rng.choice(TOPICS)
        specs.append(PageSpec(f"/forms/form-{i:05d}.html", "form", f"Online form: {topic} ({i})", i, topic))
    for i in range(counts["office"]):
        town = f"District {i + 1}"
        specs.append(PageSpec(f"/offices/office-{i:05d}.html", "office", f"Service centre, {town}", i, town))
    for i in range(counts["consultation"]):
        topic = rng.choice(TOPICS)
        specs.append(PageSpec(f"/participate/consultation-{i:05d}.html", "consultation",
                              f"Consultation on the future of {topic} ({i})", i, topic))  # fmt: skip
    for i in range(counts["doclist"]):
        specs.append(PageSpec(f"/documents/list-{i + 1:03d}.html", "doclist", f"Publications, page {i + 1}", i + 1))
    for i in range(counts["pdf"]):
        topic = rng.choice(TOPICS)
        spec = PageSpec(f"/documents/files/doc-{i:05d}.pdf", "pdf", f"Annual report on {topic} ({i})", i, topic)
        spec.defects = [d for d, p in (("no-lang", PDF_NO_LANG), ("no-title", PDF_NO_TITLE),
                                       ("scanned", PDF_SCANNED)) if rng.random() < p]  # fmt: skip
        specs.append(spec)
    if len(specs) != n:  # pragma: no cover
        raise AssertionError(f"planned {len(specs)} pages for {n}")
    for spec in specs:
        for defect, probability in CONTENT_DEFECTS.get(spec.template, ()):
            if rng.random() < probability:
                spec.defects.append(defect)
    hosts = [s for s in specs if s.template in ONE_OFF_HOSTS and s.path != "/about/"]
    for defect in ONE_OFFS:
        for spec in rng.sample(hosts, rng.randint(1, 3)):
            spec.defects.append(defect)
    return specs


# --- text helpers ---------------------------------------------------------------------------------------------


def _sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int) -> str:
    return "".join(f"<p>{escape(_sentence(rng, rng.randint(25, 60)))}</p>" for _ in range(count))


def _link(spec: PageSpec) -> str:
    return f'<a href="{escape(spec.path)}">{escape(spec.title)}</a>'


@dataclass(slots=True)
class Site:
    specs: list[PageSpec]
    by_template: dict[str, list[PageSpec]]

    @classmethod
    def of(cls, specs: list[PageSpec]) -> Site:
        by_template: dict[str, list[PageSpec]] = {}
        for spec in specs:
            by_template.setdefault(spec.template, []).append(spec)
        return cls(specs, by_template)

    def first(self, template: str) -> str:
        pages = self.by_template.get(template)
        return pages[0].path if pages else "/"


# --- shared chrome --------------------------------------------------------------------------------------------


def _header(site: Site) -> str:
    nav = (
        ("/services/", "Services"), (site.first("listing"), "News"), ("/offices/", "Offices"),
        ("/participate/", "Have your say"), ("/documents/", "Publications"), ("/about/", "About"),
        ("/contact.html", "Contact"), ("/help/", "Help"),
    )  # fmt: skip
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in nav)
    # Template-wide: the logo has no alt (image-alt); the search box has no label (label).
    return (
        '<a class="skip" href="#main">Skip to main content</a><header class="site-header"><div class="brand">'
        '<a href="/" class="logo"><img src="/assets/logo.png" width="160" height="48"></a>'
        '<span class="site-name">Ministry of Public Services</span>'
        '<a class="lang-switch" href="https://fr.gov.example/" lang="fr">Français</a></div>'
        f'<nav class="main-nav" aria-label="Main"><ul>{items}</ul></nav>'
        '<form class="site-search" role="search" action="/search/"><input type="search" name="q">'
        '<button type="submit">Search</button></form></header>'
    )


def _breadcrumb(spec: PageSpec) -> str:
    if spec.template == "home":
        return ""
    section = spec.path.strip("/").split("/")[0].split(".")[0].replace("-", " ").title() or "Home"
    return (
        '<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
        f"<li>{escape(section)}</li><li>{escape(spec.title)}</li></ol></nav>"
    )


def _footer() -> str:
    columns = (
        ("Services", (("/services/", "All services"), ("/offices/", "Local offices"),
                      ("/participate/", "Consultations"))),
        ("About", (("/about/", "About the ministry"), ("/documents/", "Publications"),
                   ("/contact.html", "Contact us"))),
        ("Help", (("/help/", "Help"), ("/help/faq.html", "FAQ"), ("/sitemap.html", "Site map"),
                  ("/account/sign-in.html", "Sign in"))),
        ("Legal", (("/privacy.html", "Privacy"), ("/terms.html", "Terms"), ("/cookies.html", "Cookies"),
                   ("/accessibility.html", "Accessibility"))),
    )  # fmt: skip
    cols = "".join(
        f"<div><h2>{title}</h2><ul>" + "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in links) + "</ul></div>"
        for title, links in columns
    )
    # Template-wide: icon-only social links (link-name), low-contrast legal line (color-contrast).
    return (
        f'<footer class="site-footer"><div class="footer-cols">{cols}</div>'
        '<div class="social"><a href="https://social.example/ministry" class="social-x"></a>'
        '<a href="https://video.example/ministry" class="social-video"></a></div>'
        '<p class="footer-legal">© Ministry of Public Services. Content available under an open licence.</p></footer>'
    )


# --- content problems -----------------------------------------------------------------------------------------


def _content_defects(spec: PageSpec, rng: random.Random, site: Site) -> list[str]:
    """HTML fragments for the page's planned problems, to be spread through its body."""
    out: list[str] = []
    related = rng.choice(site.specs).path
    for defect in spec.defects:
        out.append(_DEFECT_HTML[defect](rng, related) if defect in _DEFECT_HTML else "")
    return [h for h in out if h]


def _figure(rng: random.Random, alt: bool) -> str:
    alt_attr = f' alt="{escape(_sentence(rng, 5)[:-1])}"' if alt else ""
    return (
        f'<figure><img src="/assets/photo.png" width="600" height="300"{alt_attr}>'
        f"<figcaption>{escape(_sentence(rng, 8))}</figcaption></figure>"
    )


_DEFECT_HTML: dict[str, Callable[[random.Random, str], str]] = {
    "img-no-alt": lambda rng, _: (
        f'<p><img src="/assets/photo.png" width="400" height="200"> {escape(_sentence(rng))}</p>'
    ),
    "empty-link": lambda rng, href: f'<p>{escape(_sentence(rng))} <a href="{href}"><span class="icon"></span></a></p>',
    "low-contrast": lambda rng, _: f'<p class="callout">{escape(_sentence(rng, 12))}</p>',
    "video-iframe-no-title": lambda rng, _: '<iframe srcdoc="<p>Video</p>" width="480" height="270"></iframe>',
    "video-no-captions": lambda rng, _: '<video controls width="480" src="/assets/clip.mp4"></video>',
    "bad-lang": lambda rng, _: f'<p lang="english">{escape(_sentence(rng))}</p>',
    "aria-hidden-focus": lambda rng, href: f'<p aria-hidden="true"><a href="{href}">Read more</a></p>',
    "unlabeled-postcode": lambda rng, _: (
        '<form class="postcode" action="/offices/"><p>Find your nearest office</p><input name="postcode">'
        '<button type="submit">Find</button></form>'
    ),
    "bad-headers": lambda rng, _: (
        '<table><caption>Processing times</caption><tr><th id="kind">Kind</th><th id="time">Time</th></tr>'
        '<tr><td headers="kind">Standard</td><td headers="duration">10 working days</td></tr></table>'
    ),
    "unlabeled-select": lambda rng, _: (
        '<p>Your region</p><select name="region"><option>North</option><option>South</option></select>'
    ),
    "marquee": lambda rng, _: f"<marquee>{escape(_sentence(rng, 8))}</marquee>",
    "blink": lambda rng, _: f"<blink>{escape(_sentence(rng, 4))}</blink>",
    "meta-refresh": lambda rng, _: "",  # in <head>, see render_page
    "object-no-alt": lambda rng, _: (
        '<object data="/assets/photo.png" type="image/png" width="300" height="150"></object>'
    ),
    "input-image-no-alt": lambda rng, _: (
        '<form action="/search/"><label>Search this section <input name="q"></label>'
        '<input type="image" src="/assets/photo.png" width="24" height="24"></form>'
    ),
    "area-no-alt": lambda rng, href: (
        '<img src="/assets/photo.png" alt="Map of regions" usemap="#regions" width="300" height="150">'
        f'<map name="regions"><area shape="rect" coords="0,0,150,150" href="{href}">'
        f'<area shape="rect" coords="150,0,300,150" href="{href}"></map>'
    ),
    "svg-no-name": lambda rng, _: '<svg role="img" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>',
    "progressbar-no-name": lambda rng, _: (
        '<div role="progressbar" aria-valuenow="40" aria-valuemin="0" aria-valuemax="100">40 %</div>'
    ),
    "server-side-map": lambda rng, href: f'<a href="{href}"><img src="/assets/photo.png" alt="Regions" ismap></a>',
    "nested-interactive": lambda rng, href: f'<button type="button">Details <a href="{href}">more</a></button>',
    "role-img-no-name": lambda rng, _: '<div role="img" class="chart"></div>',
    "scrollable-region": lambda rng, _: f'<div class="scroll-box"><p>{escape(_sentence(rng, 80))}</p></div>',
}


# --- templates ------------------------------------------------------------------------------------------------


def _spread(parts: list[str], extras: list[str], rng: random.Random) -> str:
    """Insert `extras` at seeded positions among `parts` (after the first)."""
    out = list(parts)
    for extra in extras:
        out.insert(rng.randint(1, len(out)), extra)
    return "".join(out)


def _article_body(spec: PageSpec, rng: random.Random, site: Site) -> str:
    skipped = "skipped-heading" in spec.defects
    parts = [_paragraphs(rng, 1)]
    for k in range(rng.randint(2, 4)):
        level = "h4" if skipped and k == 1 else "h2"
        parts.append(f"<{level}>{escape(_sentence(rng, 5)[:-1])}</{level}>{_paragraphs(rng, rng.randint(1, 3))}")
        if rng.random() < 0.5:
            parts.append(_figure(rng, alt=True))
    return _spread(parts, _content_defects(spec, rng, site), rng)


def _related(spec: PageSpec, rng: random.Random, site: Site) -> str:
    pool = site.by_template.get(spec.template, [])
    picks = rng.sample(pool, min(3, len(pool)))
    return (
        '<aside class="related"><h2>Related</h2><ul>' + "".join(f"<li>{_link(p)}</li>" for p in picks) + "</ul></aside>"
    )


def _main_article(spec: PageSpec, rng: random.Random, site: Site) -> str:
    # Template-wide: low-contrast byline (color-contrast), icon-only share links (link-name).
    return (
        f'<article class="news-article" id="node-{spec.number}"><h1>{escape(spec.title)}</h1>'
        f'<p class="byline">Published by the press office · {rng.randint(1, 28)} March</p>'
        f'<p class="lead">{escape(_sentence(rng, 30))}</p><div class="article-body">{_article_body(spec, rng, site)}'
        '</div><div class="share"><span>Share</span> <a href="https://social.example/share" class="share-x"></a>'
        '<a href="mailto:?subject=news" class="share-mail"></a></div></article>' + _related(spec, rng, site)
    )


def _main_listing(spec: PageSpec, rng: random.Random, site: Site) -> str:
    articles = site.by_template["article"]
    pages = site.by_template["listing"]
    start = (spec.number - 1) * ARTICLES_PER_LISTING
    items = "".join(
        f'<li class="news-item"><h2>{_link(a)}</h2><p>{escape(_sentence(rng, 20))}</p></li>'
        for a in articles[start : start + ARTICLES_PER_LISTING]
    )
    window = [p for p in pages if abs(p.number - spec.number) <= 2]
    pager = "".join(f'<a href="{p.path}"{" aria-current=page" if p is spec else ""}>{p.number}</a>' for p in window)
    nxt = next((p for p in pages if p.number == spec.number + 1), None)
    # Template-wide: unlabeled year filter (select-name), icon-only next link (link-name).
    next_link = f'<a class="next" href="{nxt.path}"><span class="icon-arrow"></span></a>' if nxt else ""
    return (
        f'<h1>{escape(spec.title)}</h1><form class="filters" action="{spec.path}"><select name="topic">'
        + "".join(f"<option>{escape(t)}</option>" for t in TOPICS[:6])
        + '</select><button type="submit">Filter</button></form>'
        f'<ul class="news-list">{items}</ul><nav class="pager" aria-label="Pages">{pager}{next_link}</nav>'
    )


def _main_service(spec: PageSpec, rng: random.Random, site: Site) -> str:
    steps = "".join(f"<li>{escape(_sentence(rng, 10))}</li>" for _ in range(rng.randint(3, 6)))
    rows = "".join(
        f"<tr><td>{escape(_sentence(rng, 3)[:-1])}</td><td>{rng.randint(5, 120)}.00</td></tr>"
        for _ in range(rng.randint(2, 6))
    )
    sections = [
        f'<h2 id="who">Who can apply</h2>{_paragraphs(rng, rng.randint(1, 2))}',
        f'<h2 id="how">How to apply</h2><ol class="steps">{steps}</ol>',
        f'<h2 id="fees">Fees</h2><table class="fees"><caption>Fees</caption><tr><th>Item</th><th>Fee</th></tr>{rows}'
        "</table>",
    ]
    # Template-wide: the "on this page" list holds <div>s, not <li>s (list).
    toc = (
        '<ul class="toc"><div><a href="#who">Who can apply</a></div><div><a href="#how">How to apply</a></div>'
        '<div><a href="#fees">Fees</a></div></ul>'
    )
    forms = site.by_template.get("form") or [spec]
    form = forms[spec.number % len(forms)]
    return (
        f'<div class="service"><h1>{escape(spec.title)}</h1><p class="summary">{escape(_sentence(rng, 25))}</p>'
        f'<nav class="on-this-page" aria-label="On this page">{toc}</nav>'
        f'<div class="service-body">{_spread(sections, _content_defects(spec, rng, site), rng)}</div>'
        f'<p><a class="start-button" href="{form.path}">Start now</a></p></div>' + _related(spec, rng, site)
    )


def _main_basic(spec: PageSpec, rng: random.Random, site: Site) -> str:
    return (
        f'<div class="page"><h1>{escape(spec.title)}</h1>{_article_body(spec, rng, site)}'
        f'<p class="updated">Last updated {rng.randint(1, 28)} February</p></div>'
    )


def _main_form(spec: PageSpec, rng: random.Random, site: Site) -> str:
    fields = "".join(
        f'<div class="field"><label for="f{k}">{escape(_sentence(rng, 2)[:-1])} <span class="req">*</span></label>'
        f'<input id="f{k}" name="f{k}"><p class="hint">{escape(_sentence(rng, 8))}</p></div>'
        for k in range(rng.randint(3, 7))
    )
    # Template-wide: ID number without a label (label), invalid autocomplete token (autocomplete-valid).
    return (
        f'<h1>{escape(spec.title)}</h1><ol class="progress"><li>Your details</li><li>Your request</li>'
        '<li>Check and send</li></ol><form class="application" method="post" action="/forms/sent">'
        '<fieldset><legend>Your details</legend><div class="field"><label for="name">Full name</label>'
        '<input id="name" name="name" autocomplete="name"></div><div class="field"><label for="dob">Date of birth'
        '</label><input id="dob" name="dob" autocomplete="birthday"></div><div class="field">'
        '<p>National ID number</p><input name="national-id"></div></fieldset>'
        f'<fieldset><legend>Your request</legend>{fields}</fieldset><div class="actions">'
        '<button type="submit">Send</button><a class="cancel" href="/services/">Cancel</a></div></form>'
    )


def _main_office(spec: PageSpec, rng: random.Random, site: Site) -> str:
    hours = "".join(
        f"<tr><th>{d}</th><td>{rng.choice(('08:30', '09:00'))}–{rng.choice(('16:00', '17:00'))}</td></tr>"
        for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    )
    # Template-wide: map iframe without a title (frame-title).
    return (
        f'<div class="office"><h1>{escape(spec.title)}</h1><div class="address"><h2>Address</h2><p>'
        f"{rng.randint(1, 200)} Main Street, {escape(spec.topic)}</p><p>Telephone +00 {rng.randint(1000, 9999)}</p>"
        f'</div><h2>Opening hours</h2><table class="hours"><caption>Opening hours</caption>{hours}</table>'
        '<h2>Map</h2><iframe class="map" srcdoc="<p>Map</p>" width="480" height="300"></iframe></div>'
    )


def _main_consultation(spec: PageSpec, rng: random.Random, site: Site) -> str:
    # Template-wide: tabs outside a tablist (aria-required-parent), comment box without label (label).
    extras = _content_defects(spec, rng, site)
    return (
        f'<div class="consultation"><h1>{escape(spec.title)}</h1><p class="status">Open for comments</p>'
        '<div class="tabs"><div role="tab" aria-selected="true" tabindex="0">Proposal</div>'
        '<div role="tab" aria-selected="false" tabindex="-1">Documents</div></div>'
        f'<div class="proposal">{_paragraphs(rng, rng.randint(2, 4))}{"".join(extras)}</div>'
        '<form class="comment" method="post" action="/participate/comment"><h2>Your comment</h2>'
        '<textarea name="comment" rows="6"></textarea><label><input type="checkbox" name="public"> Publish my '
        'comment</label><button type="submit">Send comment</button></form></div>'
    )


def _main_doclist(spec: PageSpec, rng: random.Random, site: Site) -> str:
    docs = site.by_template["pdf"]
    start = (spec.number - 1) * DOCUMENTS_PER_LISTING
    rows = "".join(
        f'<tr><td><img class="file-icon" src="/assets/pdf.png" width="16" height="16"> {_link(d)}</td>'
        f"<td>PDF, {rng.randint(40, 900)} KB</td></tr>"
        for d in docs[start : start + DOCUMENTS_PER_LISTING]
    )
    pages = site.by_template["doclist"]
    pager = "".join(f'<a href="{p.path}">{p.number}</a>' for p in pages if abs(p.number - spec.number) <= 2)
    # Template-wide: file-type icons without alt (image-alt).
    return (
        f'<h1>{escape(spec.title)}</h1><table class="documents"><caption>Documents</caption>'
        f'<tr><th>Document</th><th>Format</th></tr>{rows}</table><nav class="pager" aria-label="Pages">{pager}</nav>'
    )


def _main_home(spec: PageSpec, rng: random.Random, site: Site) -> str:
    tiles = "".join(
        f'<div class="card"><h3>{_link(s)}</h3><p>{escape(_sentence(rng, 12))}</p></div>'
        for s in site.by_template.get("service", [])[:9]
    )
    news = "".join(f"<li>{_link(a)}</li>" for a in site.by_template.get("article", [])[:5])
    # Template-wide: carousel buttons without a name (button-name), low-contrast caption (color-contrast).
    return (
        '<div class="hero"><h1>Public services, online</h1><p class="hero-caption">Find a service, apply and pay '
        'online, any time.</p><div class="carousel"><button type="button" class="carousel-prev"><span class="icon">'
        '</span></button><button type="button" class="carousel-next"><span class="icon"></span></button></div></div>'
        f'<h2>Popular services</h2><div class="cards">{tiles}</div><h2>Latest news</h2><ul class="latest">{news}</ul>'
        f'<p><a href="{site.first("listing")}">All news</a> · <a href="/sitemap.html">Site map</a></p>'
    )


def _main_hub(spec: PageSpec, rng: random.Random, site: Site) -> str:
    section = {"/services/": "service", "/offices/": "office", "/participate/": "consultation",
               "/documents/": "doclist"}[spec.path]  # fmt: skip
    items = "".join(f"<li>{_link(s)}</li>" for s in site.by_template.get(section, []))
    return f'<h1>{escape(spec.title)}</h1><p>{escape(_sentence(rng, 20))}</p><ul class="hub-list">{items}</ul>'


def _main_sitemap(spec: PageSpec, rng: random.Random, site: Site) -> str:
    groups = []
    for template, pages in site.by_template.items():
        if template == "pdf":
            continue
        items = "".join(f"<li>{_link(s)}</li>" for s in pages)
        groups.append(f"<h2>{escape(template.title())}</h2><ul>{items}</ul>")
    return f"<h1>{escape(spec.title)}</h1>" + "".join(groups)


def _main_search(spec: PageSpec, rng: random.Random, site: Site) -> str:
    hits = [s for s in site.specs if s.topic == "passports" and s.template != "pdf"][:10]
    items = "".join(f'<li class="hit"><h2>{_link(s)}</h2><p>{escape(_sentence(rng, 15))}</p></li>' for s in hits)
    # Template-wide: low-contrast result count (color-contrast).
    return (
        f'<h1>{escape(spec.title)}</h1><p class="result-count">{len(hits)} results</p>'
        f'<ol class="search-results">{items}</ol>'
    )


def _main_contact(spec: PageSpec, rng: random.Random, site: Site) -> str:
    # Template-wide: message box without label (label).
    return (
        f'<h1>{escape(spec.title)}</h1>{_paragraphs(rng, 1)}<form class="contact-form" method="post" '
        'action="/contact"><label for="c-name">Name</label><input id="c-name" name="name" autocomplete="name">'
        '<label for="c-mail">Email</label><input id="c-mail" type="email" name="email" autocomplete="email">'
        '<p>Your message</p><textarea name="message" rows="6"></textarea><button type="submit">Send</button></form>'
        f'<p>Or visit <a href="/offices/">a local office</a>.</p>'
    )


def _main_faq(spec: PageSpec, rng: random.Random, site: Site) -> str:
    # Template-wide: aria-expanded on plain <div>s (aria-allowed-attr).
    items = "".join(
        f'<div class="faq-item"><div class="faq-question" aria-expanded="false">{escape(_sentence(rng, 8)[:-1])}?'
        f'</div><div class="faq-answer">{_paragraphs(rng, 1)}</div></div>'
        for _ in range(8)
    )
    return f'<h1>{escape(spec.title)}</h1><div class="faq">{items}</div>'


def _main_login(spec: PageSpec, rng: random.Random, site: Site) -> str:
    # Template-wide: password field without label (label).
    return (
        f'<h1>{escape(spec.title)}</h1><form class="sign-in" method="post" action="/account/session">'
        '<label for="user">Username or email</label><input id="user" name="user" autocomplete="username">'
        '<p>Password</p><input type="password" name="password" autocomplete="current-password">'
        '<button type="submit">Sign in</button></form><p><a href="/help/">Forgotten your password?</a></p>'
    )


def _main_plain(spec: PageSpec, rng: random.Random, site: Site) -> str:
    sections = "".join(
        f"<h2>{escape(_sentence(rng, 4)[:-1])}</h2>{_paragraphs(rng, rng.randint(1, 3))}" for _ in range(3)
    )
    return f'<div class="page"><h1>{escape(spec.title)}</h1>{sections}</div>'


MAINS: dict[str, Callable[[PageSpec, random.Random, Site], str]] = {
    "home": _main_home, "sitemap": _main_sitemap, "search": _main_search, "contact": _main_contact,
    "help": _main_plain, "faq": _main_faq, "legal": _main_plain, "statement": _main_plain, "login": _main_login,
    "hub": _main_hub, "article": _main_article, "listing": _main_listing, "service": _main_service,
    "basic": _main_basic, "form": _main_form, "office": _main_office, "consultation": _main_consultation,
    "doclist": _main_doclist,
}  # fmt: skip


def render_page(spec: PageSpec, site: Site, seed: int) -> str:
    rng = random.Random(f"{seed}:{spec.path}")
    if spec.template == "basic" and spec.path == "/about/":
        main = _main_plain(spec, rng, site) + '<ul class="hub-list">' + "".join(
            f"<li>{_link(s)}</li>" for s in site.by_template["basic"][1:]
        ) + "</ul>"  # fmt: skip
    else:
        main = MAINS[spec.template](spec, rng, site)
    refresh = '<meta http-equiv="refresh" content="600">' if "meta-refresh" in spec.defects else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{refresh}<title>{escape(spec.title)} | Ministry of Public Services</title>"
        '<link rel="stylesheet" href="/assets/site.css"></head><body>\n'
        + _header(site)
        + "\n"
        + _breadcrumb(spec)
        + f'\n<main id="main">{main}</main>\n'
        + _footer()
        + "\n</body></html>\n"
    )


def render_pdf(spec: PageSpec) -> bytes:
    """A one-page PDF: untagged; /Lang, title and a text layer as the page's planned problems say."""
    import pikepdf  # a dependency of govaudit; imported here so that planning needs nothing

    pdf = pikepdf.new()
    if "scanned" in spec.defects:
        image = pikepdf.Stream(pdf, b"\x80")
        image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1, 1
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        content = b"q 500 0 0 700 50 50 cm /Im0 Do Q"
    else:
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = spec.title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
        content = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Resources=resources,
        Contents=pikepdf.Stream(pdf, content),
    )  # fmt: skip
    pdf.pages.append(pikepdf.Page(page))
    if "no-lang" not in spec.defects:
        pdf.Root.Lang = pikepdf.String("en")
    if "no-title" not in spec.defects:
        pdf.docinfo["/Title"] = spec.title
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def generate(root: Path, n: int, seed: int = 1) -> list[PageSpec]:
    """Write the site into `root` (and `manifest.json`); returns the n pages, home first."""
    specs = plan(n, seed)
    site = Site.of(specs)
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "assets" / "site.css").write_text(CSS)
    for name in ("logo.png", "photo.png", "pdf.png"):
        (root / "assets" / name).write_bytes(PNG)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for spec in specs:
        relative = spec.path.split("?")[0].lstrip("/")
        path = root / (relative + "index.html" if relative.endswith("/") or not relative else relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        if spec.template == "pdf":
            path.write_bytes(render_pdf(spec))
        else:
            path.write_text(render_page(spec, site, seed), encoding="utf-8")
    manifest = [{"path": s.path, "template": s.template, "defects": s.defects} for s in specs]
    (root / "manifest.json").write_text(json.dumps(manifest, indent=0))
    return specs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    specs = generate(args.out, args.pages, args.seed)
    templates: dict[str, int] = {}
    for spec in specs:
        templates[spec.template] = templates.get(spec.template, 0) + 1
    print(f"{len(specs)} pages in {args.out}: {templates}")
    if args.serve:
        with serve(args.out) as base:
            print(f"serving {base}/ (Ctrl-C to stop)")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()


if __name__ == "__main__":
    main()
