"""crawl → audit → rules → suggested answers → storage, for one site and one run.

Each page is fetched once and rendered at most once; the audits run on the live rendered page and
every rule reads the same `PageSnapshot`. Results are written to the store as they arrive, so a
failure half-way keeps what was done and marks the run failed with its reason.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audits.inspectors import AuditSettings, AuditSuite, build_suite
from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.crawl import Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.render import PageInspector, Renderer, RenderSettings
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from crawler.snapshot import PageSnapshot, ScanStatus
from govaudit.settings import Settings
from rules.decide import decide
from rules.engine import RuleEngine, instruments_for, load_modules
from rules.findings import Finding
from rules.instruments import load_instrument
from rules.lexicon import Lexicons
from rules.module import PageView, SiteView
from storage import Store

Progress = Callable[[int, int], None]
REACHED = (ScanStatus.OK, ScanStatus.LOGIN_WALL)


class SiteUnreachable(RuntimeError):
    """The start page could not be fetched: nothing else was crawled."""


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    pages: list[PageSnapshot] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.status] = counts.get(page.status, 0) + 1
        return counts


def _light(snapshot: PageSnapshot) -> PageSnapshot:
    """What site-level detectors keep of a page: everything but the markup (memory stays small)."""
    return replace(snapshot, html="", dom=None)


def _guard_for(site: SiteConfig) -> AddressGuard:
    # A start URL the user typed may point at their own dev server: its host is allowed explicitly.
    return AddressGuard(allowed_hosts=site.scope_hosts, allow_private=site.allow_private)


@asynccontextmanager
async def open_crawler(
    site: SiteConfig,
    settings: Settings,
    render: RenderMode,
    inspectors: Sequence[PageInspector] = (),
    init_scripts: tuple[Path, ...] = (),
    on_progress: Progress | None = None,
) -> AsyncIterator[Crawler]:
    """A crawler with its fetcher, robots cache and (unless render is never) a browser."""
    guard = _guard_for(site)
    async with Fetcher(guard, FetchSettings(user_agent=settings.user_agent)) as fetcher:
        renderer = None
        if render is not RenderMode.NEVER:
            renderer = Renderer(
                guard,
                RenderSettings(
                    executable=settings.chromium, timeout_s=settings.page_timeout_s, init_scripts=init_scripts
                ),
                user_agent=settings.user_agent,
                concurrency=settings.concurrency,
            )
            await renderer.__aenter__()
        try:
            yield Crawler(
                site,
                fetcher,
                RobotsCache(fetcher),
                renderer,
                inspectors,
                CrawlSettings(concurrency=settings.concurrency, render=render),
                on_progress=on_progress,
            )
        finally:
            if renderer is not None:
                await renderer.__aexit__(None, None, None)


class _Run:
    """One run's bookkeeping in the store: started on entry, finished (or failed, with why) on exit."""

    def __init__(self, store: Store, site: SiteConfig, settings: dict[str, Any]) -> None:
        self.store = store
        self.site_id = store.ensure_site(site)
        self.run_id = store.start_run(self.site_id, settings)
        self.outcome = RunOutcome(self.run_id)
        self._started = time.perf_counter()
        self.extra_stats: dict[str, Any] = {}

    def record(self, snapshot: PageSnapshot, results: Sequence[AuditResult] = ()) -> None:
        visit_id = self.store.record_visit(self.run_id, self.site_id, snapshot)
        if results:
            self.store.record_audit_results(visit_id, results)
        self.outcome.pages.append(_light(snapshot))

    def stats(self) -> dict[str, Any]:
        return {
            "pages": len(self.outcome.pages),
            "by_status": self.outcome.status_counts,
            "seconds": round(time.perf_counter() - self._started, 2),
            **self.extra_stats,
        }

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self.outcome.seconds = time.perf_counter() - self._started
        if exc is None:
            self.store.finish_run(self.run_id, "completed", self.stats())
        else:
            self.store.finish_run(self.run_id, "failed", self.stats(), error=str(exc) or type(exc).__name__)

    def check_home(self) -> None:
        home = min(self.outcome.pages, key=lambda p: p.depth, default=None)
        if home is None or home.status not in REACHED:
            why = f"{home.status}: {home.reason or home.status_code}" if home else "nothing fetched"
            raise SiteUnreachable(f"{home.requested_url if home else ''}: {why}")


async def crawl_site(
    site: SiteConfig,
    store: Store,
    settings: Settings,
    *,
    render: RenderMode = RenderMode.NEVER,
    on_progress: Progress | None = None,
) -> RunOutcome:
    """Crawl only: every page recorded with its status, no audits or rules."""
    with _Run(store, site, _run_settings(site, settings, {}, mode="crawl")) as run:
        async with open_crawler(site, settings, render, on_progress=on_progress) as crawler:
            async for crawled in crawler.crawl():
                run.record(crawled.snapshot)
        return run.outcome


async def assess_site(
    site: SiteConfig, store: Store, settings: Settings, *, on_progress: Progress | None = None
) -> RunOutcome:
    """The whole job: crawl, audit every rendered page, detect survey features, suggest answers."""
    suite = _suite(settings)
    instruments = instruments_for(site.kind)
    engine = RuleEngine(load_modules(), instruments)
    lexicons = Lexicons.load()
    with _Run(store, site, _run_settings(site, settings, suite.engine_versions, mode="assess")) as run:
        audits_by_url: dict[str, list[AuditResult]] = {}
        findings: list[Finding] = []
        async with open_crawler(
            site, settings, RenderMode.ALWAYS, suite.inspectors, suite.init_scripts, on_progress
        ) as crawler:
            async for crawled in crawler.crawl():
                results = [r for batch in crawled.inspections.values() for r in batch]
                run.record(crawled.snapshot, results)
                audits_by_url[crawled.snapshot.final_url] = results
                findings += engine.check_page(PageView(crawled.snapshot, results), lexicons)
            run.check_home()
            view = SiteView(site, run.outcome.pages, lexicons, fetch=crawler.probe, audits_by_url=audits_by_url)
            findings += await engine.check_site(view)
        answers = [a for key in instruments for a in decide(load_instrument(key), findings, engine.covered())]
        store.record_answers(run.run_id, run.site_id, answers)
        run.extra_stats["findings"] = len(findings)
        return run.outcome


def _suite(settings: Settings) -> AuditSuite:
    return build_suite(
        AuditSettings(
            axe_script=Path(settings.axe_script) if settings.axe_script else None, axe_timeout_s=settings.axe_timeout_s
        )
    )


def _run_settings(site: SiteConfig, settings: Settings, engines: dict[str, str], *, mode: str) -> dict[str, Any]:
    return {
        "mode": mode,
        "max_pages": site.max_pages,
        "max_depth": site.max_depth,
        "concurrency": settings.concurrency,
        "user_agent": settings.user_agent,
        "engines": engines,
        "chromium": settings.chromium,
    }
