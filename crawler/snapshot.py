"""The one record that flows forward from the crawler to every audit and rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar


class ScanStatus(StrEnum):
    """Why a URL ended the way it did. Stored as data, never inferred later."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ROBOTS_DENIED = "robots_denied"
    BLOCKED = "blocked"
    BLOCKED_ADDRESS = "blocked_address"
    CAPTCHA = "captcha"
    LOGIN_WALL = "login_wall"
    GEO_BLOCKED = "geo_blocked"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    REDIRECT_LOOP = "redirect_loop"
    TRAP = "trap"
    HTTP_ERROR = "http_error"
    ERROR = "error"


# The server answered with the page: a login wall or a page unchanged since the last run is reached too.
REACHED = frozenset({ScanStatus.OK, ScanStatus.LOGIN_WALL, ScanStatus.NOT_MODIFIED})


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    rel: str = ""
    hreflang: str = ""
    # Where the link sits: "nav" (nav, header, banner, navigation), "footer" (footer, contentinfo),
    # "article" (article, aside: running content), "" elsewhere. Survey detectors weigh a site's
    # own navigation above a word in running text.
    region: str = ""
    # The section the link leads to (its #fragment, decoded), "" for none. A link into the page
    # itself keeps the page's URL and is kept only when the page has that section (crawler/parse.py).
    fragment: str = ""


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    type: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class FormSnapshot:
    action: str
    method: str
    fields: tuple[FormField, ...]
    role: str = ""

    @property
    def field_types(self) -> frozenset[str]:
        return frozenset(f.type for f in self.fields)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading (h1, h2, h3) or table caption of the page's own content: not inside a header,
    footer, nav or aside (nor their roles), which repeat on every page and say what the site links to."""

    tag: str
    text: str


@dataclass(frozen=True, slots=True)
class HeadedLinks:
    """A heading or caption, wherever it is, and the links of the element that holds it and no other
    section heading (h1-h3): its section, or its table. A heading whose element holds other headings
    (flat markup: the page's body) has none. Each link is (text, href as written); a link in a table
    row is given again with the row's other cells as its text: a documents table names each file in
    one cell and links it as "Download" in another (the link's purpose in context, WCAG 2.4.4)."""

    heading: str
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class DatedBlock:
    """A table row, list item or article that may carry a date: its text has a digit, or its markup a
    `<time datetime>` (`datetimes`: their YYYY-MM-DD values, in document order)."""

    text: str
    datetimes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageFetch:
    """Where a page's request ended and what the server said of it: the part of a page that a
    stored visit (`storage.records.VisitRecord`) holds too, so both declare these fields here."""

    requested_url: str
    final_url: str
    depth: int
    status: ScanStatus
    status_code: int | None = None
    reason: str = ""
    redirect_chain: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    content_length: int = 0
    content_hash: str = ""
    title: str = ""
    language: str = ""

    @property
    def ok(self) -> bool:
        return self.status is ScanStatus.OK

    @property
    def readable(self) -> bool:
        """Its content is known: fetched now, or unchanged since a stored visit (carried)."""
        return self.status in (ScanStatus.OK, ScanStatus.NOT_MODIFIED)

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith(("text/html", "application/xhtml"))

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True, slots=True)
class PageContent(PageFetch):
    """What every reader of a page may read, in both its forms: a page just crawled (`PageSnapshot`)
    or one read back from the store (`PageDigest`). The markup is not here: only a `PageSnapshot`
    has it, so a reader of markup says so in its type (and mypy holds the others to this one)."""

    text: str = ""
    links: tuple[Link, ...] = ()
    # The texts of the anchors `links` leaves out because they lead nowhere (href="#", "javascript:",
    # no href): still a link's words, not the page's running text.
    placeholder_links: tuple[str, ...] = ()
    forms: tuple[FormSnapshot, ...] = ()
    # What detectors read of the page's structure, taken in the one parse (crawler/parse.py).
    headings: tuple[Heading, ...] = ()
    headed_links: tuple[HeadedLinks, ...] = ()
    dated_blocks: tuple[DatedBlock, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    via: str = "link"  # how the crawl found it: start, link, sitemap
    carried_from: int | None = None  # unchanged since this stored visit: its results carry forward

    @property
    def fetchable_links(self) -> tuple[Link, ...]:
        """Links to other pages: not mailto: or tel:, nor a link to a section of this page."""
        return tuple(
            link
            for link in self.links
            if link.url.startswith(("http://", "https://")) and not (link.fragment and link.url == self.final_url)
        )

    @property
    def section_links(self) -> tuple[Link, ...]:
        """Links to a section of this page ("#faq" where an element has id="faq")."""
        return tuple(link for link in self.links if link.fragment and link.url == self.final_url)


@dataclass(frozen=True, slots=True)
class PageSnapshot(PageContent):
    """A page as fetched once and rendered at most once: a value, changed only by `replace`.

    `html` is the body as served; `dom` is the serialised DOM after rendering (None when the
    page was not rendered). `links` and `forms` come from the DOM when there is one.
    `measurements` holds numbers taken in the live page while it was rendered (for example
    `overflow_375`: horizontal overflow in CSS px at a 375 px wide viewport).
    """

    fetch_ms: float = 0.0
    render_ms: float = 0.0
    render_reason: str = ""
    html: str = ""
    dom: str | None = None
    referrer: str | None = None
    # When a request last showed this content, for a page carried forward without one (the revisit
    # policy trusted the sitemap); None when this visit made its own request.
    confirmed_at: datetime | None = None
    # The stylesheets and scripts the rendered page loaded: URL → sha256 of what the crawler fetched
    # from it ("" when it could not). None when the page was not rendered (not known).
    assets: dict[str, str] | None = None

    @property
    def rendered(self) -> bool:
        return self.dom is not None


@dataclass(frozen=True, slots=True)
class PageDigest(PageContent):
    """A page read back from its stored visit: the fetch's facts and the page as the rules read it,
    without its markup (`html`, `dom`), and with its text cut short (`MAX_TEXT` characters).

    `rendered`: a browser rendered the page in the visit's run (its audits ran on the live page).
    """

    rendered: bool = False

    def served(self, html: str) -> PageSnapshot:
        """This page with the markup it was served (kept apart from the store), for a reader of markup."""
        return PageSnapshot(**{name: getattr(self, name) for name in _SHARED}, html=html)


MAX_TEXT = 20_000  # a digest's text: enough for every detector's look at a page; bounds the row size
_SHARED = tuple(f.name for f in fields(PageContent))


class Visited(Protocol):
    """What tells whether a page was reached: a page (`PageContent`), or a run's summary of one."""

    @property
    def requested_url(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def status(self) -> ScanStatus: ...
    @property
    def status_code(self) -> int | None: ...
    @property
    def reason(self) -> str: ...


V = TypeVar("V", bound=Visited)


def start_page(pages: Iterable[V]) -> V | None:
    """The page a crawl began at: the first of the pages nearest the start (a resumed run does not
    yield its pages in crawl order)."""
    return min(pages, key=lambda p: p.depth, default=None)


def start_page_problem(home: Visited | None) -> str:
    """Why the start page was not reached ("nothing fetched" when there is none), "" when it was."""
    if home is None:
        return "nothing fetched"
    if home.status in REACHED:
        return ""
    return f"{home.status}: {home.reason or home.status_code}"
