"""crawl → audit → rules → suggested answers → storage, for one site and one run.

Each page is fetched once and rendered at most once; the audits run on the live rendered page and
every rule reads the same `PageSnapshot`. Results are written to the store as they arrive, so a
failure half-way keeps what was done and marks the run failed with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audits.inspectors import AuditSettings, build_suite
from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.crawl import Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.render import Renderer, RenderSettings
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


class SiteUnreachable(RuntimeError):
    """The start page could not be fetched: nothing else was crawled."""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: int
    pages: int
    seconds: float
    status_counts: dict[str, int]


def _light(snapshot: PageSnapshot) -> PageSnapshot:
    """What site-level detectors keep of a page: everything but the markup (memory stays small)."""
    return replace(snapshot, html="", dom=None)


def _guard_for(site: SiteConfig) -> AddressGuard:
    # A start URL the user typed may point at their own dev server: its host is allowed explicitly.
    return AddressGuard(allowed_hosts=site.scope_hosts, allow_private=site.allow_private)


async def assess_site(
    site: SiteConfig,
    store: Store,
    settings: Settings,
    *,
    on_progress: Progress | None = None,
) -> RunOutcome:
    started = time.perf_counter()
    suite = build_suite(
        AuditSettings(
            axe_script=Path(settings.axe_script) if settings.axe_script else None,
            axe_timeout_s=settings.axe_timeout_s,
        )
    )
    instruments = instruments_for(site.kind)
    engine = RuleEngine(load_modules(), instruments)
    lexicons = Lexicons.load()
    site_id = store.ensure_site(site)
    run_id = store.start_run(site_id, _run_settings(site, settings, suite.engine_versions))
    guard = _guard_for(site)
    status_counts: dict[str, int] = {}
    try:
        async with (
            Fetcher(guard, FetchSettings(user_agent=settings.user_agent)) as fetcher,
            Renderer(
                guard,
                RenderSettings(
                    executable=settings.chromium,
                    timeout_s=settings.page_timeout_s,
                    init_scripts=suite.init_scripts,
                ),
                user_agent=settings.user_agent,
                concurrency=settings.concurrency,
            ) as renderer,
        ):
            crawler = Crawler(
                site,
                fetcher,
                RobotsCache(fetcher),
                renderer,
                suite.inspectors,
                CrawlSettings(concurrency=settings.concurrency, render=RenderMode.ALWAYS),
                on_progress=on_progress,
            )
            pages: list[PageSnapshot] = []
            audits_by_url: dict[str, list[AuditResult]] = {}
            findings: list[Finding] = []
            async for crawled in crawler.crawl():
                snapshot = crawled.snapshot
                results = [r for batch in crawled.inspections.values() for r in batch]
                visit_id = store.record_visit(run_id, site_id, snapshot)
                store.record_audit_results(visit_id, results)
                status_counts[snapshot.status] = status_counts.get(snapshot.status, 0) + 1
                pages.append(_light(snapshot))
                audits_by_url[snapshot.final_url] = results
                findings += engine.check_page(PageView(snapshot, results), lexicons)
            home = min(pages, key=lambda p: p.depth)
            if home.status not in (ScanStatus.OK, ScanStatus.LOGIN_WALL):
                raise SiteUnreachable(
                    f"{home.requested_url}: {home.status}: {home.reason or home.status_code}"
                )
            view = SiteView(site, pages, lexicons, fetch=crawler.probe, audits_by_url=audits_by_url)
            findings += await engine.check_site(view)
        answers = [a for key in instruments for a in decide(load_instrument(key), findings, engine.covered())]
        store.record_answers(run_id, site_id, answers)
    except BaseException as exc:
        store.finish_run(
            run_id,
            "failed",
            {"pages": sum(status_counts.values()), "by_status": status_counts},
            error=str(exc) or type(exc).__name__,
        )
        raise
    seconds = time.perf_counter() - started
    store.finish_run(
        run_id,
        "completed",
        {
            "pages": len(pages),
            "by_status": status_counts,
            "seconds": round(seconds, 2),
            "findings": len(findings),
        },
    )
    return RunOutcome(run_id=run_id, pages=len(pages), seconds=seconds, status_counts=status_counts)


def _run_settings(site: SiteConfig, settings: Settings, engines: dict[str, str]) -> dict[str, Any]:
    return {
        "max_pages": site.max_pages,
        "max_depth": site.max_depth,
        "concurrency": settings.concurrency,
        "user_agent": settings.user_agent,
        "engines": engines,
        "chromium": settings.chromium,
    }
