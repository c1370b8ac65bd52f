"""The steps one page goes through, in order, each with one job (as Scrapy's middlewares):

before any request, the gates `TrapGate`, `RobotsGate`, then the revisit gate (`crawler.recrawl`),
each of which may settle the page without a request; after the fetch, `Challenges` (451, CAPTCHA),
`BackOff` (429/503), the revisit check again (304 or same hash), `RenderDecision`, `Rendering`,
`with_parsed` (which also tells a login wall), then discovery (`crawler.discovery`).
`crawler.crawl.Crawler` runs them; it is the loop and the frontier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from typing import Any, Protocol

from crawler.budget import TimeBudget
from crawler.fetch import FetchResult
from crawler.frontier import FrontierEntry
from crawler.incremental import Decision, PreviousVisit
from crawler.language import detect_language
from crawler.parse import MAX_HTML_CHARS, MAX_LINKS, ParsedPage
from crawler.parse_pool import ParsePool
from crawler.politeness import ATTEMPTS, Caps, retry_after_seconds
from crawler.render import PageInspector, Renderer, ServedDocument
from crawler.robots import RobotsCache
from crawler.scope import Scope
from crawler.snapshot import FormSnapshot, Link, PageSnapshot, ScanStatus
from crawler.urls import host_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
DOCUMENT_TYPES = ("application/pdf",)  # documents whose bytes are handed on to be audited
# Markers of a page that shows its content only after scripts run.
_JS_APP_MARKERS = ('id="root"', 'id="app"', "ng-app", "data-reactroot", "__NEXT_DATA__", "__NUXT__")
MIN_STATIC_TEXT = 200
# A challenge page is small or an error: a long page that merely mentions a CAPTCHA is content.
_CHALLENGE_HEAD = 20000

REQUEST = Decision("", False)  # what the revisit policy says of a page it knows nothing about


@dataclass(slots=True)
class CrawledPage:
    snapshot: PageSnapshot
    inspections: dict[str, Sequence[Any]] = field(default_factory=dict)
    document: bytes = b""  # the bytes of a document (PDF) for the audits; pages carry their HTML
    inspection_errors: dict[str, str] = field(default_factory=dict)  # inspector name → why it failed


@dataclass(frozen=True, slots=True)
class Job:
    """A page on its way through the steps: what the gates settled before its request."""

    entry: FrontierEntry
    delay: float = 0.0  # the host's crawl delay
    previous: PreviousVisit | None = None  # the last run's visit, when it may still be carried forward
    decision: Decision = REQUEST
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class Again:
    """A page that answered 429/503: asked again after `wait_s`, or `refused` if the run ends first."""

    job: Job
    wait_s: float
    refused: CrawledPage


class Gate(Protocol):
    """A step before the request: the page settled without one, or the job passed on."""

    async def settle(self, job: Job) -> Job | PageSnapshot: ...


def unrequested(entry: FrontierEntry, status: ScanStatus, reason: str) -> PageSnapshot:
    """A page that ends before any request to it."""
    return PageSnapshot(
        requested_url=entry.url,
        final_url=entry.url,
        depth=entry.depth,
        status=status,
        reason=reason,
        referrer=entry.referrer,
        via=entry.via,
    )


class TrapGate:
    """A crawler trap (a calendar, endless pagination) is recorded once, never requested."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def settle(self, job: Job) -> Job | PageSnapshot:
        if job.entry.via != "trap":
            return job
        reason = self.scope.trap_reason(job.entry.url) or "crawler trap"
        return unrequested(job.entry, ScanStatus.TRAP, f"{reason}: not fetched")


class RobotsGate:
    """robots.txt: a page it disallows (or a robots.txt that cannot be read) is not requested; the
    others wait the host's crawl delay, capped."""

    def __init__(self, robots: RobotsCache, caps: Caps, *, respect: bool, min_delay_s: float) -> None:
        self.robots = robots
        self.caps = caps
        self.respect = respect
        self.min_delay_s = min_delay_s

    async def settle(self, job: Job) -> Job | PageSnapshot:
        url = job.entry.url
        rules = await self.robots.rules_for(url)
        if self.respect and rules.unavailable:
            # Unreachable robots.txt means "do not crawl" (RFC 9309); say why, not just "denied".
            return unrequested(job.entry, rules.unavailable_status, rules.unavailable)
        if self.respect and not rules.allowed(url, self.robots.user_agent_token):
            return unrequested(job.entry, ScanStatus.ROBOTS_DENIED, "disallowed by robots.txt")
        asked = rules.crawl_delay(self.robots.user_agent_token)
        return replace(job, delay=max(self.min_delay_s, self.caps.crawl_delay(host_of(url), asked)))


def _challenge_markers() -> tuple[str, ...]:
    text = resources.files("crawler.data").joinpath("challenge_markers.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class Challenges:
    """An answer that stands in for the page: 451 (unavailable for legal reasons), or a CAPTCHA or
    bot challenge (crawler/data/challenge_markers.txt)."""

    def __init__(self) -> None:
        self._markers = _challenge_markers()

    def refusal(self, fetched: FetchResult, text: str) -> tuple[ScanStatus, str] | None:
        if fetched.status_code == 451:
            return ScanStatus.GEO_BLOCKED, "HTTP 451: unavailable for legal reasons"
        head = text[:_CHALLENGE_HEAD]
        if any(marker in head for marker in self._markers) and (
            (fetched.status_code or 200) >= 400 or len(text) < _CHALLENGE_HEAD
        ):
            return ScanStatus.CAPTCHA, "a CAPTCHA or bot challenge was served"
        return None


def from_fetch(fetched: FetchResult, entry: FrontierEntry, challenges: Challenges) -> PageSnapshot:
    """The page as the fetch found it: its facts, and the HTML as served (only what is parsed is
    kept), unless the answer was a challenge instead of the page."""
    status, reason, html = fetched.status, fetched.reason, ""
    text = fetched.text if fetched.content_type in HTML_TYPES and fetched.body else ""
    if refusal := challenges.refusal(fetched, text):
        status, reason = refusal
    elif text and status is ScanStatus.OK:
        html, cut = _kept_markup(text, fetched)
        reason = cut or reason
    body = fetched.body
    return PageSnapshot(
        requested_url=entry.url,
        final_url=fetched.final_url,
        depth=entry.depth,
        status=status,
        status_code=fetched.status_code,
        reason=reason,
        redirect_chain=fetched.redirect_chain,
        headers=fetched.headers,
        content_type=fetched.content_type,
        content_length=fetched.full_size or len(body),
        content_hash=fetched.full_sha256 or (hashlib.sha256(body).hexdigest() if body else ""),
        fetch_ms=fetched.elapsed_ms,
        html=html,
        referrer=entry.referrer,
        via=entry.via,
    )


def _kept_markup(text: str, fetched: FetchResult) -> tuple[str, str]:
    """The markup kept of a page, and what was cut ("" when nothing was)."""
    if fetched.full_size:
        return text[:MAX_HTML_CHARS], f"markup cut at {len(fetched.body):,} of {fetched.full_size:,} bytes"
    if len(text) > MAX_HTML_CHARS:
        # Only what is parsed is kept: a few large pages in flight would each hold all their text.
        return text[:MAX_HTML_CHARS], f"markup cut at {MAX_HTML_CHARS:,} of {len(text):,} characters"
    return text, ""


class BackOff:
    """A 429/503: this URL (only) is asked again after Retry-After (capped) or an exponential wait,
    up to ATTEMPTS times and within the time budget; else it ends with why."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps

    def answer(self, job: Job, fetched: FetchResult, snapshot: PageSnapshot, budget: TimeBudget) -> CrawledPage | Again:
        header = fetched.headers.get("retry-after")
        asked = retry_after_seconds(header)
        wait_s = self.caps.retry_after(asked, job.attempt)
        said = f"Retry-After {header.strip()[:40]}" if header else "no Retry-After"
        code = f"HTTP {fetched.status_code} ({said})"
        capped = f", capped at {self.caps.retry_after_s:g} s" if asked is not None and asked > wait_s else ""
        if job.attempt >= ATTEMPTS:
            why = f"{code}: refused {job.attempt} times, waiting up to {wait_s:g} s{capped} between attempts"
            return CrawledPage(replace(snapshot, reason=why))
        if not budget.allows(wait_s):
            why = f"{code}: not asked again, the {wait_s:g} s wait{capped} ends past the time budget"
            return CrawledPage(replace(snapshot, reason=why))
        why = f"{code}: the time budget ran out while waiting {wait_s:g} s{capped} to ask again"
        return Again(job, wait_s, CrawledPage(replace(snapshot, reason=why)))


class RenderMode(StrEnum):
    ALWAYS = "always"  # every HTML page (what a full accessibility audit needs)
    AUTO = "auto"  # pages that need JavaScript, and pages the caller picks (an audit sample)
    NEVER = "never"  # HTTP only


RenderChoice = Callable[[PageSnapshot], str]  # a reason to render this page, or ""


def needs_javascript(html: str, parsed: ParsedPage) -> str:
    """A reason to render when the served HTML alone does not show the page, else ""."""
    if any(marker in html for marker in _JS_APP_MARKERS):
        return "served HTML is a JavaScript application shell"
    if len(parsed.text) < MIN_STATIC_TEXT and "<script" in html.lower():
        return f"served HTML has {len(parsed.text)} characters of text and scripts"
    return ""


class RenderDecision:
    """Whether an HTML page is rendered, and why: the render mode, then the caller's choice, then
    whether the served HTML needs scripts to show the page."""

    def __init__(self, mode: RenderMode, choose: RenderChoice | None = None) -> None:
        self.mode = mode
        self.choose = choose

    def reason(self, snapshot: PageSnapshot, parsed: ParsedPage) -> str:
        if self.mode is RenderMode.NEVER:
            return ""
        if self.mode is RenderMode.ALWAYS:
            return "render mode: always"
        if self.choose is not None and (reason := self.choose(snapshot)):
            return reason
        return needs_javascript(snapshot.html, parsed)


def merge_links(rendered: Sequence[Link], served: Sequence[Link]) -> tuple[Link, ...]:
    """The rendered DOM's links, then the served HTML's links the DOM does not have (by URL and section)."""
    seen = {(link.url, link.fragment) for link in rendered}
    return (*rendered, *(link for link in served if (link.url, link.fragment) not in seen))[:MAX_LINKS]


def merge_forms(rendered: Sequence[FormSnapshot], served: Sequence[FormSnapshot]) -> tuple[FormSnapshot, ...]:
    """The rendered DOM's forms, then the served HTML's forms the DOM does not have as served (by action
    and field names): a script that turns a form into a widget (an OpenID provider picker replacing its
    identifier box) changes how it looks, not what the page offers."""
    seen = {_form_key(form) for form in rendered}
    return (*rendered, *(form for form in served if _form_key(form) not in seen))


def _form_key(form: FormSnapshot) -> tuple[str, tuple[str, ...]]:
    return form.action, tuple(field.name for field in form.fields)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A page after the browser: its snapshot with the render's facts, what was parsed (the DOM's
    and the served HTML's links), and what the inspectors found or why they failed."""

    snapshot: PageSnapshot
    parsed: ParsedPage
    inspections: dict[str, Sequence[Any]]
    errors: dict[str, str]


# The page's own stylesheets and scripts, of those it loaded, with the hash of each.
HashAssets = Callable[[Sequence[str]], Awaitable[dict[str, str]]]


class Rendering:
    """One page in the browser, once, with the live-page inspectors."""

    def __init__(
        self,
        renderer: Renderer,
        inspectors: Sequence[PageInspector],
        parser: ParsePool,
        hash_assets: HashAssets,
    ) -> None:
        self.renderer = renderer
        self.inspectors = inspectors
        self.parser = parser
        self.hash_assets = hash_assets

    async def render(self, snapshot: PageSnapshot, parsed: ParsedPage, fetched: FetchResult, reason: str) -> Rendered:
        served = ServedDocument(fetched.status_code or 200, fetched.headers, fetched.body)
        outcome = await self.renderer.render(snapshot.final_url, self.inspectors, served)
        snapshot = replace(
            snapshot,
            render_ms=outcome.render_ms,
            render_reason=reason,
            measurements=outcome.measurements,
            assets=await self.hash_assets(outcome.assets) if outcome.dom is not None else None,
        )
        if outcome.dom is None:
            status = ScanStatus.TIMEOUT if outcome.timed_out else ScanStatus.ERROR
            if outcome.blocked:  # the page navigated to an address the guard refuses: nothing of it is kept
                status = ScanStatus.BLOCKED_ADDRESS
            return Rendered(replace(snapshot, status=status, reason=outcome.error), parsed, {}, {})
        rendered = await self.parser.parse(outcome.dom, outcome.final_url)
        # The served HTML's links too: a client router may show another view than the one served
        # (a Vue app's 404 view for /index.html has no links) and its links must not be lost.
        parsed = replace(
            rendered, links=merge_links(rendered.links, parsed.links), forms=merge_forms(rendered.forms, parsed.forms)
        )
        errors = dict(outcome.inspection_errors)
        if outcome.error and self.inspectors and not outcome.inspections:
            # The page was read but the browser failed before any inspector finished (a renderer that
            # crashed, say): say so, or the page would read as audited with nothing found.
            errors.setdefault("browser", outcome.error)
        return Rendered(replace(snapshot, dom=outcome.dom), parsed, outcome.inspections, errors)


def is_login_wall(snapshot: PageSnapshot, parsed: ParsedPage) -> bool:
    """A redirect that ends on a sign-in form: the page asked for is behind a login."""
    return bool(snapshot.redirect_chain) and any("password" in form.field_types for form in parsed.forms)


def with_parsed(snapshot: PageSnapshot, parsed: ParsedPage) -> PageSnapshot:
    """The page with what the parser read of it; a login wall says so."""
    status, reason = snapshot.status, snapshot.reason
    if status is ScanStatus.OK and is_login_wall(snapshot, parsed):
        status, reason = ScanStatus.LOGIN_WALL, "redirected to a sign-in form"
    elif status is ScanStatus.OK and parsed.cut:  # read in part: the page says what was left out
        reason = "; ".join(part for part in (reason, parsed.cut) if part)
    return replace(
        snapshot,
        status=status,
        reason=reason,
        title=parsed.title,
        language=detect_language(parsed.language, parsed.text),
        text=parsed.text,
        links=parsed.links,
        placeholder_links=parsed.placeholder_links,
        forms=parsed.forms,
        headings=parsed.headings,
        headed_links=parsed.headed_links,
        dated_blocks=parsed.dated_blocks,
        meta=parsed.meta,
    )
