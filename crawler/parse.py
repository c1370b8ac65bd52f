"""Read links, forms, title, language, text, headings and dated blocks out of HTML (selectolax/lexbor:
fast), in one parse: the detectors read these rather than parse the markup again."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.snapshot import DatedBlock, FormField, FormSnapshot, HeadedLinks, Heading, Link
from crawler.urls import absolutize

_SPACE = re.compile(r"\s+")
_NON_TEXT = "script, style, noscript, template, svg"
# A hostile page may hold 400,000 links: each kept link is a Python object, a frontier candidate and
# a stored row. A real site map page has a few thousand.
MAX_LINKS = 10_000
# The markup parsed at most (characters): lexbor's tree takes ~20 bytes per byte of dense markup.
MAX_HTML_CHARS = 2_000_000
# The words kept of the headings' links, and of the dated blocks (characters, each): a block's text
# holds its nested blocks' texts again, so nested markup could otherwise repeat the page many times.
MAX_STRUCTURE_CHARS = 250_000


@dataclass(frozen=True, slots=True)
class ParsedPage:
    title: str
    language: str
    text: str
    links: tuple[Link, ...]
    forms: tuple[FormSnapshot, ...]
    meta: dict[str, str]
    cut: str = ""  # what a cap left out (markup past MAX_HTML_CHARS, links past MAX_LINKS), or ""
    placeholder_links: tuple[str, ...] = ()  # see PageContent.placeholder_links
    headings: tuple[Heading, ...] = ()
    headed_links: tuple[HeadedLinks, ...] = ()
    dated_blocks: tuple[DatedBlock, ...] = ()


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def parse_html(html: str, base_url: str, total_chars: int = 0) -> ParsedPage:
    """`total_chars`: the length of the markup when `html` is already its first MAX_HTML_CHARS."""
    cuts = []
    total = max(len(html), total_chars)
    if total > MAX_HTML_CHARS:
        cuts.append(f"markup cut at {MAX_HTML_CHARS:,} of {total:,} characters")
        html = html[:MAX_HTML_CHARS]
    tree = LexborHTMLParser(html)
    base = tree.css_first("base[href]")
    if base is not None:
        base_url = absolutize(base.attributes.get("href") or "", base_url) or base_url
    root = tree.css_first("html")
    language = (root.attributes.get("lang") or "").strip() if root is not None else ""
    title_node = tree.css_first("title")
    meta = {
        (node.attributes.get("name") or "").lower(): node.attributes.get("content") or ""
        for node in tree.css("meta[name]")
    }
    links, found, placeholders = _links(tree, base_url)
    if found > len(links):
        cuts.append(f"{found:,} links, the first {len(links):,} kept")
    forms = tuple(_form(node, base_url, tree) for node in tree.css("form"))
    if scripted := _scripted_controls(tree, base_url):
        forms += (scripted,)
    # Before the non-text elements go: a heading's or a block's text is all of its text nodes.
    for_links, for_blocks = _Budget(), _Budget()
    headings, headed_links = _headings(tree, for_links)
    dated_blocks = _dated_blocks(tree, html, for_blocks)
    for what, budget in (("the headings' links", for_links), ("the dated blocks", for_blocks)):
        if budget.spent:
            cuts.append(f"{what} past {MAX_STRUCTURE_CHARS:,} characters left out")
    for node in tree.css(_NON_TEXT):
        node.decompose()
    body = tree.body
    text = squash(body.text(separator=" ")) if body is not None else ""
    return ParsedPage(
        title=squash(title_node.text()) if title_node is not None else "",
        language=language,
        text=text,
        links=links,
        forms=forms,
        meta=meta,
        cut="; ".join(cuts),
        placeholder_links=placeholders,
        headings=headings,
        headed_links=headed_links,
        dated_blocks=dated_blocks,
    )


def _links(tree: LexborHTMLParser, base_url: str) -> tuple[tuple[Link, ...], int, tuple[str, ...]]:
    """The first MAX_LINKS links, how many the page has, and the texts of its anchors that lead nowhere."""
    links: list[Link] = []
    # An anchor without href is a placeholder too (a script's button, a named target).
    placeholders = [text for node in tree.css("a:not([href])") if (text := squash(node.text()))]
    nodes = tree.css("a[href], area[href], link[rel=alternate][href]")
    sections = _Sections(tree, urldefrag(base_url)[0])
    for node in nodes:
        if len(links) >= MAX_LINKS:
            break
        href = (node.attributes.get("href") or "").strip()
        # mailto: and tel: are kept (contact details are evidence) but never fetched.
        fragment = ""
        url = href if href.lower().startswith(("mailto:", "tel:")) else absolutize(href, base_url)
        if url is None or url == sections.page:
            # A link into the page itself counts only when it leads to a section the page has
            # ("#faq" and an element id="faq"): a tab, a table of contents, a one-page site's menu.
            fragment = _fragment(href) if sections.has(_fragment(href)) else ""
            if url is None and not fragment:
                if node.tag == "a" and (text := squash(node.text())):
                    placeholders.append(text)
                continue
            url = sections.page
        elif not url.startswith(("mailto:", "tel:")):
            fragment = _fragment(href)
        text = squash(node.text()) or (node.attributes.get("aria-label") or "") or _img_alt(node)
        links.append(
            Link(
                url=url,
                text=text,
                rel=node.attributes.get("rel") or "",
                hreflang=node.attributes.get("hreflang") or "",
                region=_region(node),
                fragment=fragment,
            )
        )
    return tuple(links), len(nodes), tuple(placeholders)


_HEADINGS = "h1, h2, h3, caption"
_SECTION_HEADINGS = frozenset({"h1", "h2", "h3"})
_BOILERPLATE_TAGS = frozenset({"header", "footer", "nav", "aside"})
_BOILERPLATE_ROLES = frozenset({"banner", "contentinfo", "navigation"})


class _Budget:
    """The characters of MAX_STRUCTURE_CHARS not yet kept; `spent` once a text did not fit."""

    def __init__(self) -> None:
        self.left = MAX_STRUCTURE_CHARS
        self.spent = False

    def keeps(self, text: str) -> bool:
        self.spent = self.spent or len(text) > self.left
        self.left -= 0 if self.spent else len(text)
        return not self.spent


def _headings(tree: LexborHTMLParser, budget: _Budget) -> tuple[tuple[Heading, ...], tuple[HeadedLinks, ...]]:
    """The page's own headings (`Heading`), and each heading's links (`HeadedLinks`), in document order."""
    nodes = tree.css(_HEADINGS)
    # How many section headings each element holds, counted once from the headings up (asking each
    # heading's element with a selector reads the whole body for every heading of flat markup).
    held: Counter[int] = Counter()
    boilerplate: set[int] = set()
    for index, node in enumerate(nodes):
        ancestor = node.parent
        while ancestor is not None:
            if node.tag in _SECTION_HEADINGS:
                held[ancestor.mem_id] += 1
            if ancestor.tag in _BOILERPLATE_TAGS or (ancestor.attributes.get("role") or "") in _BOILERPLATE_ROLES:
                boilerplate.add(index)
            ancestor = ancestor.parent
    headings: list[Heading] = []
    headed: list[HeadedLinks] = []
    for index, node in enumerate(nodes):
        text = squash(node.text())
        if not text:
            continue
        if index not in boilerplate:
            headings.append(Heading(node.tag or "", text))
        box = node.parent
        if box is None or budget.spent or held[box.mem_id] > (node.tag in _SECTION_HEADINGS):
            continue
        if links := _box_links(box, budget):
            headed.append(HeadedLinks(text, links))
    return tuple(headings), tuple(headed)


def _box_links(box: LexborNode, budget: _Budget) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for anchor in box.css("a[href]"):
        href, words = anchor.attributes.get("href") or "", anchor.text()
        row = _table_row(anchor)
        cells = squash(row.text().replace(words, " ")) if row is not None else ""
        found += [(text, href) for text in (squash(words), cells) if text and budget.keeps(text)]
        if budget.spent:
            break
    return tuple(found)


def _table_row(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in ("tr", "table", "body"):
        parent = parent.parent
    return parent if parent is not None and parent.tag == "tr" else None


_BLOCKS = "tr, li, article"
# `<time datetime="2026-03-05">`: the day a time element gives (its datetime attribute, as written).
TIME_TAG = re.compile(r"""<time\b[^>]*\bdatetime\s*=\s*["']?(\d{4}-\d{2}-\d{2})""", re.IGNORECASE)
_DATETIME = re.compile("datetime", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _dated_blocks(tree: LexborHTMLParser, markup: str, budget: _Budget) -> tuple[DatedBlock, ...]:
    """The table rows, list items and articles that may carry a date (`DatedBlock`). A block without
    a digit in its text (in any script: NFKD makes "²" a 2) can write no date a detector reads."""
    # A block's markup is serialised only when the page names a datetime at all: most pages do not.
    timed = _DATETIME.search(markup) is not None
    found = []
    for node in tree.css(_BLOCKS):
        text = squash(node.text(separator=" "))
        if not text:
            continue
        datetimes = tuple(TIME_TAG.findall(node.html or "")) if timed else ()
        if datetimes or _DIGIT.search(text if text.isascii() else unicodedata.normalize("NFKD", text)):
            if not budget.keeps(text):
                break
            found.append(DatedBlock(text, datetimes))
    return tuple(found)


_MAX_FRAGMENT = 200  # a fragment longer than this is a script's state or a text directive, not a section's name


def _fragment(href: str) -> str:
    """The part after '#', decoded; "" for none, an empty one, a client route ("#/page", "#!page") or
    a text directive (":~:text=")."""
    fragment = unquote(href.partition("#")[2]).strip()
    if not fragment or fragment.startswith(("/", "!", ":~:")) or len(fragment) > _MAX_FRAGMENT:
        return ""
    return fragment


class _Sections:
    """The element ids (and a[name]) of one page, read once and only when a link points into the page."""

    def __init__(self, tree: LexborHTMLParser, page: str) -> None:
        self.page = page
        self._tree = tree
        self._ids: frozenset[str] | None = None

    def has(self, fragment: str) -> bool:
        if not fragment:
            return False
        if self._ids is None:
            nodes = self._tree.css("[id], a[name]")
            self._ids = frozenset(
                value for node in nodes for value in (node.attributes.get("id"), node.attributes.get("name")) if value
            )
        return fragment in self._ids


_REGIONS = {"nav": "nav", "header": "nav", "footer": "footer", "article": "article", "aside": "article"}
_ROLES = {"navigation": "nav", "banner": "nav", "menubar": "nav", "contentinfo": "footer", "article": "article"}


def _region(node: LexborNode) -> str:
    """The nearest landmark around a link (see `Link.region`)."""
    ancestor = node.parent
    while ancestor is not None:
        region = _ROLES.get(ancestor.attributes.get("role") or "") or _REGIONS.get(ancestor.tag or "")
        if region:
            return region
        ancestor = ancestor.parent
    return ""


def _img_alt(node: LexborNode) -> str:
    img = node.css_first("img[alt]")
    return (img.attributes.get("alt") or "") if img is not None else ""


def _form(node: LexborNode, base_url: str, tree: LexborHTMLParser) -> FormSnapshot:
    fields: list[FormField] = []
    for field in node.css("input, select, textarea"):
        kind = (field.tag or "") if field.tag != "input" else (field.attributes.get("type") or "text").lower()
        fields.append(FormField(name=field.attributes.get("name") or "", type=kind, label=_label(field, tree)))
    action = node.attributes.get("action") or ""
    return FormSnapshot(
        action=absolutize(action, base_url) or base_url if action else base_url,
        method=(node.attributes.get("method") or "get").lower(),
        fields=tuple(fields),
        role=node.attributes.get("role") or "",
    )


SCRIPTED = "script"  # the method of the pseudo-form that holds the controls outside any form
_MAX_SCRIPTED = 20


def _inside(node: LexborNode, tag: str) -> bool:
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.tag == tag:
            return True
        ancestor = ancestor.parent
    return False


def _scripted_controls(tree: LexborHTMLParser, base_url: str) -> FormSnapshot | None:
    """Text inputs and labelled buttons outside any form, as one pseudo-form (method "script"): a
    search box run by the page's script (client-side search, a search dialog) has no form."""
    fields: list[FormField] = []
    for node in tree.css("input, button"):
        if len(fields) >= _MAX_SCRIPTED or _inside(node, "form"):
            continue
        if node.tag == "input":
            kind = (node.attributes.get("type") or "text").lower()
            if kind not in ("text", "search"):
                continue
            label = _label(node, tree) or node.attributes.get("title") or ""
        else:
            kind = "button"
            label = node.attributes.get("aria-label") or squash(node.text()) or node.attributes.get("title") or ""
            if not label:
                continue
        name = node.attributes.get("name") or node.attributes.get("id") or node.attributes.get("class") or ""
        fields.append(FormField(name=name, type=kind, label=label))
    if not fields:
        return None
    return FormSnapshot(action=base_url, method=SCRIPTED, fields=tuple(fields))


def _label(field: LexborNode, tree: LexborHTMLParser) -> str:
    if aria := field.attributes.get("aria-label"):
        return aria
    field_id = field.attributes.get("id")
    if field_id:
        for label in tree.css("label[for]"):
            if label.attributes.get("for") == field_id:
                return squash(label.text())
    return field.attributes.get("placeholder") or ""
