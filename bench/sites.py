"""A generated government site of N templated pages, served on 127.0.0.1, for benchmarks.

    .venv/bin/python bench/sites.py --pages 200 --out out/site          # write the files
    .venv/bin/python bench/sites.py --pages 200 --out out/site --serve  # and serve them until Ctrl-C

Pages look like a ministry portal (header with navigation and search, breadcrumbs, services, news, forms,
tables, a fat footer) and carry axe violations of two kinds, as real sites do: template-wide ones on every
page (an unlabeled search box, low-contrast footer text) and page-specific ones drawn with a fixed seed
(images without alt, empty icon links, low-contrast call-outs, unlabeled form fields, untitled iframes).
All N pages are reachable from /index.html within two clicks (home → sitemap → page).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

KINDS = ("service", "news", "listing", "contact", "about")
KIND_WEIGHTS = (40, 30, 15, 10, 5)
TOPICS = (
    "passports", "driving licences", "tax returns", "business registration", "pensions", "housing benefit",
    "birth certificates", "vehicle tax", "school enrolment", "health insurance", "building permits",
    "unemployment support", "land registry", "voter registration", "customs declarations", "visas",
)  # fmt: skip
_WORDS_TEXT = (
    "apply online citizens service ministry documents required within working days fee payment office "
    "appointment eligibility rules guidance national portal update residents form submit review decision "
    "status appeal support contact information records secure account identity verification"
)
WORDS = tuple(_WORDS_TEXT.split())

CSS = """body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff}
header{background:#0b3d6b;color:#fff;padding:12px 24px;display:flex;flex-wrap:wrap;gap:16px;align-items:center}
header a{color:#fff}nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:12px;margin:0;padding:0}
.crumbs{padding:8px 24px;font-size:.9em}.crumbs ol{list-style:none;display:flex;gap:8px;margin:0;padding:0}
main{max-width:960px;margin:0 auto;padding:16px 24px}.cards{display:grid;
grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}.card{border:1px solid #ccc;padding:12px}
.card img{max-width:100%;height:auto}.callout{background:#fff;padding:8px}.faint{color:#b5b5b5}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px 8px;text-align:left}
footer{background:#f4f4f4;padding:24px;display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr))}
footer .legal{color:#aaa}form label{display:block;margin-top:8px}
"""
# A 1×1 PNG: images load without network; their alt text is what axe looks at.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000200f9f8c8c90000000049454e44ae426082"
)


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str
    kind: str
    title: str
    topic: str


def _sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def plan(n: int, seed: int = 1) -> list[PageSpec]:
    """Home, sitemap and n-2 content pages (at least 2 pages)."""
    rng = random.Random(seed)
    specs = [PageSpec("/index.html", "home", "Ministry of Public Services", ""), PageSpec("/sitemap.html", "sitemap",
             "Site map", "")]  # fmt: skip
    for i in range(max(0, n - 2)):
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        topic = rng.choice(TOPICS)
        title = {
            "service": f"Apply for {topic}",
            "news": f"News: changes to {topic} ({i})",
            "listing": f"All services: {topic}",
            "contact": f"Contact the {topic} office",
            "about": f"About the {topic} programme",
        }[kind]
        specs.append(PageSpec(f"/{kind}/{i:05d}.html", kind, title, topic))
    return specs


def _template_links(specs: list[PageSpec], count: int, salt: str) -> list[PageSpec]:
    """The same links on every page (a template), always to pages that exist: no 404 in either tool's run."""
    content = specs[2:] or specs
    return random.Random(salt).sample(content, min(count, len(content)))


def _header(specs: list[PageSpec]) -> str:
    listings = [s for s in specs if s.kind == "listing"][:8] or _template_links(specs, 8, "nav")
    nav = "".join(f'<li><a href="{s.path}">{escape(s.topic.title() or s.title)}</a></li>' for s in listings)
    # Template-wide violations: the search box has no label (label), the social icon link is empty (link-name).
    return (
        '<a class="skip" href="#main">Skip to main content</a><header>'
        '<a href="/index.html"><img src="/assets/logo.png" alt="Ministry of Public Services home" width="120" '
        'height="40"></a><nav aria-label="Main"><ul>' + nav + "</ul></nav>"
        '<form role="search" action="/search"><input type="search" name="q" placeholder="Search">'
        '<button type="submit">Search</button></form>'
        '<a href="/sitemap.html" class="icon-sitemap"></a>'
        '<a href="https://fr.gov.example/" lang="fr">Français</a></header>'
    )


def _footer(specs: list[PageSpec]) -> str:
    columns = []
    links_by_column = _template_links(specs, 24, "footer")
    for c, heading in enumerate(("Services", "Government", "About this site", "Help")):
        links = "".join(
            f'<li><a href="{s.path}">{escape(s.title)}</a></li>' for s in links_by_column[c * 6 : c * 6 + 6]
        )
        columns.append(f"<div><h2>{heading}</h2><ul>{links}</ul></div>")
    # Template-wide colour-contrast violation.
    return (
        "<footer>"
        + "".join(columns)
        + '<p class="legal">© Ministry of Public Services. All rights reserved.</p></footer>'
    )


def _body(spec: PageSpec, rng: random.Random, specs: list[PageSpec]) -> str:
    parts = [f"<h1>{escape(spec.title)}</h1>", f"<p>{escape(_sentence(rng, 30))}</p>"]
    if spec.kind == "sitemap":
        items = "".join(f'<li><a href="{s.path}">{escape(s.title)}</a></li>' for s in specs)
        return parts[0] + f"<ul>{items}</ul>"
    if spec.kind == "home":
        cards = specs[2:14]
        parts.append('<p><a href="/sitemap.html">Site map: every page of this site</a></p>')
    else:
        cards = rng.sample(specs[2:], min(6, len(specs) - 2))
    for _ in range(rng.randint(2, 4)):
        parts.append(f"<h2>{escape(_sentence(rng, 4)[:-1])}</h2>")
        parts.append(f"<p>{escape(_sentence(rng, 40))}</p><ul>")
        parts.extend(f"<li>{escape(_sentence(rng, 8))}</li>" for _ in range(rng.randint(3, 6)))
        parts.append("</ul>")
        if rng.random() < 0.2:
            parts.append(f'<p class="callout faint">{escape(_sentence(rng, 12))}</p>')  # colour contrast
    if spec.kind in ("service", "listing"):
        rows = "".join(
            f"<tr><td>{escape(_sentence(rng, 3))}</td><td>{rng.randint(5, 120)}.00</td><td>{rng.randint(1, 30)} "
            "days</td></tr>"
            for _ in range(rng.randint(4, 12))
        )
        parts.append(f"<table><caption>Fees</caption><tr><th>Item</th><th>Fee</th><th>Time</th></tr>{rows}</table>")
    if spec.kind == "contact":
        unlabeled = rng.random() < 0.5
        field = (
            '<input type="tel" name="phone">' if unlabeled else '<label>Phone <input type="tel" name="phone"></label>'
        )
        parts.append(
            '<form action="/contact" method="post"><label>Name <input name="name" autocomplete="name"></label>'
            '<label>Email <input type="email" name="email" autocomplete="email"></label>'
            f"{field}<label>Message <textarea name="
            '"message"></textarea></label><button type="submit">Send</button></form>'
        )
        if rng.random() < 0.3:
            # frame-title; srcdoc, so the frame is no extra page for either tool
            parts.append('<iframe srcdoc="<p>Map of offices</p>" width="300" height="200"></iframe>')
    card_html = []
    for target in cards:
        alt = "" if rng.random() < 0.25 else f' alt="{escape(target.title)}"'  # image-alt on some cards
        icon = f'<a href="{target.path}"><span class="i"></span></a>' if rng.random() < 0.1 else ""  # link-name
        card_html.append(
            f'<div class="card"><img src="/assets/card.png" width="220" height="120"{alt}>'
            f'<h3><a href="{target.path}">{escape(target.title)}</a></h3><p>{escape(_sentence(rng, 16))}</p>'
            f"{icon}</div>"
        )
    parts.append('<h2>Related</h2><div class="cards">' + "".join(card_html) + "</div>")
    return "".join(parts)


def render_page(spec: PageSpec, specs: list[PageSpec], seed: int) -> str:
    rng = random.Random(f"{seed}:{spec.path}")
    crumbs = '<nav class="crumbs" aria-label="Breadcrumb"><ol><li><a href="/index.html">Home</a></li>'
    crumbs += f"<li>{escape(spec.title)}</li></ol></nav>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(spec.title)} | Ministry of Public Services</title>"
        '<link rel="stylesheet" href="/assets/site.css"></head><body>'
        + _header(specs)
        + crumbs
        + f'<main id="main">{_body(spec, rng, specs)}</main>'
        + _footer(specs)
        + "</body></html>"
    )


def generate(root: Path, n: int, seed: int = 1) -> list[str]:
    """Write the site into `root`; returns the paths of the n pages (home first)."""
    specs = plan(n, seed)
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "assets" / "site.css").write_text(CSS)
    (root / "assets" / "logo.png").write_bytes(PNG)
    (root / "assets" / "card.png").write_bytes(PNG)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for spec in specs:
        path = root / spec.path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_page(spec, specs, seed), encoding="utf-8")
    return [s.path for s in specs]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (a tool closing its page) is not an error


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (threaded) and yield the base URL."""
    httpd = _Server(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    paths = generate(args.out, args.pages, args.seed)
    print(f"{len(paths)} pages in {args.out}")
    if args.serve:
        with serve(args.out) as base:
            print(f"serving {base}/index.html (Ctrl-C to stop)")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()


if __name__ == "__main__":
    main()
