"""The rule-module interface: a detector declares what it informs and reads snapshots.

Adding a detector touches no engine code: write a `RuleModule` subclass and register it under
the `govaudit.rules` entry-point group (ours are in pyproject.toml; a ministry's package can add
its own the same way).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from audits.result import AuditResult
from crawler.site import SiteConfig
from crawler.snapshot import PageContent, PageSnapshot
from crawler.urls import url_key
from rules.findings import Evidence
from rules.lexicon import Lexicons


@dataclass(frozen=True, slots=True)
class Observation:
    """What a detector saw, before it is fanned out to the questions it informs."""

    value: str
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    # Instrument key → codes, when one module answers several questions observation by
    # observation (a data-driven table); otherwise the module's `informs` applies.
    questions: Mapping[str, tuple[str, ...]] | None = None
    # The rule id its findings carry, when one module answers for several rows (a data pack's row).
    rule_id: str = ""


@dataclass(frozen=True, slots=True)
class PageView:
    snapshot: PageSnapshot
    audits: Sequence[AuditResult] = ()
    # The day time-relative rules judge against ("updated in the past month"): the run's --as-of,
    # None = today (the crawl's own day).
    as_of: date | None = None


Fetch = Callable[[str], Awaitable[PageSnapshot]]


@dataclass(slots=True)
class SiteView:
    """Everything a site-level detector may read, plus `fetch` for probes such as running a
    search (it goes through the crawl's own fetcher, with its politeness and address guard)."""

    site: SiteConfig
    pages: Sequence[PageContent]  # read back from the store: no markup (a probe's `fetch` has it)
    lexicons: Lexicons
    fetch: Fetch
    audits_by_url: Mapping[str, Sequence[AuditResult]] = field(default_factory=dict)
    as_of: date | None = None  # as PageView.as_of
    _by_key: dict[str, PageContent] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for page in self.pages:
            self._by_key.setdefault(url_key(page.requested_url), page)
            self._by_key.setdefault(url_key(page.final_url), page)

    @property
    def home(self) -> PageContent | None:
        return min(self.pages, key=lambda p: p.depth, default=None)

    def page(self, url: str) -> PageContent | None:
        return self._by_key.get(url_key(url))

    def ok_pages(self) -> list[PageContent]:
        """Pages whose content is known (fetched now or carried unchanged), nearest home first."""
        return sorted((p for p in self.pages if p.readable and p.is_html), key=lambda p: (p.depth, p.final_url))


class RuleModule:
    """Base class. Override `check_site` (whole site) and/or `check_page` (one page)."""

    id: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    # instrument key → question codes this module answers, e.g. {"OSI-2024": ("003",)}
    informs: ClassVar[Mapping[str, tuple[str, ...]]]

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        return ()

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        return ()


def evidence_from(page: PageContent, *, selector: str = "", quote: str = "") -> Evidence:
    return Evidence(url=page.final_url, selector=selector, quote=quote[:300], language=page.language, depth=page.depth)
