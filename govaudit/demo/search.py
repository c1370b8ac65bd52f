"""The site search: an index of the public pages' text, the matching, and the results as HTML."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from govaudit.demo.portals import IndexedPage, Portal
from govaudit.demo.text import fold, render_tokens

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


def url_path(rel: Path) -> str:
    """The URL a file of the portal folder is served at (folders by their index.html)."""
    parts = rel.as_posix()
    if parts == "index.html":
        return "/"
    if parts.endswith("/index.html"):
        return "/" + parts[: -len("index.html")]
    return "/" + parts


def build_index(portal: Portal, today: date, base_url: str) -> list[IndexedPage]:
    """Text of every public HTML page (its <main>), for the site search."""
    pages: list[IndexedPage] = []
    for file in sorted(portal.root.rglob("*.html")):
        rel = file.relative_to(portal.root)
        if rel.parts[0].startswith("_"):
            continue
        path = url_path(rel)
        if portal.is_protected(path) or path.endswith("-thanks.html"):
            continue
        tree = LexborHTMLParser(render_tokens(file.read_text("utf-8"), today, base_url))
        html_node = tree.css_first("html")
        lang = (html_node.attributes.get("lang") if html_node else None) or portal.languages[0]
        title_node = tree.css_first("h1") or tree.css_first("title")
        main = tree.css_first("main") or tree.body
        text = " ".join((main.text(separator=" ") if main else "").split())
        title = " ".join(title_node.text().split()) if title_node else path
        pages.append(IndexedPage(path=path, lang=lang, title=title, text=text, folded=fold(text)))
    return pages


def _snippet(page: IndexedPage, word: str) -> str:
    # NFKD folding keeps lengths for the Latin letters used here; fall back to the start otherwise.
    at = page.folded.find(word) if len(page.folded) == len(page.text) else 0
    start = max(0, at - 80)
    end = min(len(page.text), at + len(word) + 120)
    return (
        ("… " if start else "")
        + html.escape(page.text[start:at])
        + f"<mark>{html.escape(page.text[at : at + len(word)])}</mark>"
        + html.escape(page.text[at + len(word) : end])
        + (" …" if end < len(page.text) else "")
    )


def search(index: list[IndexedPage], query: str, lang: str) -> list[tuple[IndexedPage, str]]:
    """Pages in ``lang`` whose text contains every word of the query, with an HTML snippet."""
    words = [fold(w) for w in query.split() if w.strip()]
    if not words:
        return []
    return [
        (page, _snippet(page, words[0])) for page in index if page.lang == lang and all(w in page.folded for w in words)
    ]


def results_html(index: list[IndexedPage], query: str, lang: str) -> str:
    """The block that replaces ``{{search_results}}`` in the search page template."""
    words = _SEARCH_TEXT[lang]
    shown = html.escape(query)
    if not query:
        return f"      <p>{words['empty']}</p>"
    hits = search(index, query, lang)
    if not hits:
        return f'      <p class="search-summary">{words["none"].format(q=shown)}</p>'
    items = "\n".join(
        f'        <li><a href="{html.escape(page.path)}">{html.escape(page.title)}</a>'
        f'<br><span class="meta">{html.escape(page.path)}</span><p>{snippet}</p></li>'
        for page, snippet in hits
    )
    return (
        f'      <p class="search-summary">{words["count"].format(n=len(hits), q=shown)}</p>\n'
        f'      <ol class="results">\n{items}\n      </ol>'
    )
