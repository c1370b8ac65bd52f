"""crawl → audit → rules → suggested answers → storage, for one site and one run.

Each page is fetched once and rendered at most once; the audits run on the live rendered page and
every rule reads the same `PageSnapshot` (once the crawl is over, its stored `PageDigest`). Pages
are written to the store as they arrive and the frontier lives there too, so a run killed at any
moment resumes where it stopped; a page that has not changed since the last run is not rendered,
audited or detected again — its results carry forward by reference.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from audits.inspectors import AuditSettings, AuditSuite, build_suite
from audits.outcome import Outcome
from audits.sampling import Sample
from audits.selenium_driver import SeleniumSettings
from crawler.addresses import AddressGuard
from crawler.budget import TimeBudget
from crawler.crawl import CrawledPage, Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.incremental import PreviousVisit, RevisitPolicy
from crawler.login import SiteAccess, log_in
from crawler.render import PageInspector, Renderer, RenderSettings
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from crawler.snapshot import PageContent, PageDigest, PageSnapshot, Visited, start_page, start_page_problem
from govaudit.assessment import Assessment, SampleOptions
from govaudit.interrupt import StopRequest
from govaudit.selenium_audit import SeleniumAudit
from govaudit.settings import Settings
from reports.history import record_crawl_trend_point, record_trend_point
from rules.decide import decide
from rules.engine import RuleEngine, instruments_for, load_modules
from rules.findings import Finding
from rules.instruments import load_instrument
from rules.lexicon import Lexicons
from rules.module import SiteView
from storage import Store, run_state
from storage.frontier import StoreFrontier
from storage.records import RunRecord, VisitSummary
from storage.status import RunStatus

T = TypeVar("T")
Progress = Callable[[int, int], None]
BATCH = 50  # pages fetched per transaction in a crawl-only run: a crash makes the resume fetch these again
CARRIED_BATCH = 500  # pages carried forward without a request per transaction: redoing them costs no request
# With a time budget, the crawl of `assess`/`audit` stops at this share of it; the audits of a
# sample, markup validation and the site-wide detectors (their probes) stop at WORK_SHARE; the rest
# is for what cannot be cut: closing the browser, deciding and recording the answers.
CRAWL_SHARE = 0.6
WORK_SHARE = 0.8


class SiteUnreachable(RuntimeError):
    """The start page could not be fetched: nothing else was crawled."""


class NothingAudited(RuntimeError):
    """The crawl reached pages but none could be audited (the start URL is an image, say): a run
    with no audited page proves nothing, so it must not pass a gate or answer survey questions."""


class CannotResume(RuntimeError):
    """The run asked for does not exist or has already finished."""


class RunBusy(CannotResume):
    """Another live process holds the run's lease (it is being worked on): try again later."""


# Where a page ended and how: the same record whether read back from the store or just crawled.
PageSummary = VisitSummary


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    pages: list[PageSummary] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU over the run: what the machine's other load does not inflate
    # The run as stored when it completed (read once, for its trend point): the caller's report reads
    # it rather than loading the run again. None when the run did not complete.
    record: RunRecord | None = None

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.status] = counts.get(page.status, 0) + 1
        return counts


def _guard_for(site: SiteConfig) -> AddressGuard:
    # A start URL the user typed may point at their own dev server: its host is allowed explicitly.
    return AddressGuard(allowed_hosts=site.scope_hosts, allow_private=site.allow_private)


class _Run:
    """One run's bookkeeping in the store: started (or resumed) on entry, finished — or failed,
    with why — on exit. Pages are summarised in memory; their content lives in the store."""

    def __init__(
        self,
        store: Store,
        site: SiteConfig,
        settings: dict[str, Any],
        resume: int | None = None,
        as_of: date | None = None,
        *,
        register: bool = True,
        lease_s: float = run_state.DEFAULT_LEASE_S,
    ) -> None:
        self.store = store
        if resume is None:
            # Unregistered (an `audit` without --register): the row that already holds this start URL's
            # runs if there is one, so that repeated audits of one URL make one entry.
            existing = None if register else store.registry.for_start_url(site.home_url)
            self.site_id = existing if existing is not None else store.registry.ensure(site, registered=register)
            self.run_id = store.runs.start(self.site_id, settings, as_of)
        else:
            found = store.runs.site_of(resume)
            self.site_id, status = found.site_id, found.status
            if status != RunStatus.RUNNING:
                raise CannotResume(f"run {resume} is {status}; only an interrupted (running) run can resume")
            mode = run_state.run_mode(store, resume)
            if mode is not None and mode != settings.get("mode"):
                command = "assess" if mode == "assess" else "crawl"
                raise CannotResume(
                    f"run {resume} is a {mode} run: resume it with `govaudit {command} --resume {resume}`"
                )
            self.run_id = resume
        # Held from the start: a second process resuming a run still in progress is refused.
        self.lease = run_state.Lease(store, self.run_id, lease_s)
        try:
            self.lease.__enter__()
        except run_state.RunLeased as exc:
            raise RunBusy(str(exc)) from None
        self.site = site
        self.outcome = RunOutcome(self.run_id)
        self._started = time.perf_counter()
        self._cpu_started = time.process_time()
        self.extra_stats: dict[str, Any] = {}
        # What a page carried forward must have been audited with (None: a crawl, nothing to match);
        # `fresh` carries nothing forward.
        self.engines: dict[str, str] | None = None
        self.fresh = False
        self.interrupted = False  # stopped by Ctrl-C: finished as "interrupted", not "completed"

    def record(self, snapshot: PageSnapshot) -> int:
        visit_id = self.store.visits.record(self.run_id, self.site_id, snapshot)
        self.outcome.pages.append(_summary(snapshot))
        return visit_id

    def frontier(self) -> StoreFrontier:
        return StoreFrontier(self.store, self.run_id)

    def previous(self) -> dict[str, PreviousVisit]:
        """The last run's pages that may be carried forward: none with `fresh`, and none when the
        last run audited with other engines (axe-core, our checks, the standard) than this one.
        Without their links: the crawler reads those (`VisitRepository.links`) only for the pages whose
        links can still add to the frontier."""
        if self.fresh:
            self.extra_stats["carried_forward"] = "no: --fresh"
            return {}
        if self.engines is not None:
            last = self.store.runs.last_completed_settings(self.site_id, before_run=self.run_id)
            if last is not None and last.get("engines") != self.engines:
                self.extra_stats["carried_forward"] = (
                    f"no: the last run audited with {last.get('engines') or 'no audit engines'}, this one with "
                    f"{self.engines}"
                )
                return {}
        return self.store.visits.previous(self.site_id, before_run=self.run_id, links=False)

    def stats(self) -> dict[str, Any]:
        return {
            "pages": len(self.outcome.pages),
            "by_status": self.outcome.status_counts,
            "seconds": round(time.perf_counter() - self._started, 2),
            "cpu_seconds": round(time.process_time() - self._cpu_started, 2),
            **self.extra_stats,
        }

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self.outcome.seconds = time.perf_counter() - self._started
        self.outcome.cpu_seconds = time.process_time() - self._cpu_started
        try:
            if self.lease.lost:  # another process took the run over after our lease lapsed: it finishes it
                return
            if exc is None:
                status = RunStatus.INTERRUPTED if self.interrupted else RunStatus.COMPLETED
                self.store.runs.finish(self.run_id, status, self.stats())
                if status is RunStatus.COMPLETED:
                    self._record_trend_point()
            elif not isinstance(exc, (KeyboardInterrupt, asyncio.CancelledError)):
                why = str(exc) or type(exc).__name__
                self.store.runs.finish(self.run_id, RunStatus.FAILED, self.stats(), error=why)
            # Killed or cancelled: the run stays "running", so `--resume` can finish it.
        finally:
            self.lease.__exit__(None, None, None)

    def _record_trend_point(self) -> None:
        """Every completed run, whoever ran it (CLI, worker, nightly), stores its trend point as it
        finishes: the reports of its later runs read the point instead of loading the run."""
        if self.engines is None:  # a crawl: nothing audited, and no report to build from the record
            record_crawl_trend_point(self.store, self.run_id)
            return
        record = self.store.runs.load(self.run_id)
        record_trend_point(self.store, record)
        self.outcome.record = record

    def check_home(self, pages: Sequence[Visited], budget: TimeBudget | None = None) -> None:
        home = start_page(pages)
        if why := start_page_problem(home):
            if home is None and budget is not None and budget.spent:
                why += f" within the time budget ({budget.seconds:g} s)"
            raise SiteUnreachable(f"{home.requested_url if home else self.site.home_url}: {why}")


@asynccontextmanager
async def open_crawler(
    site: SiteConfig,
    settings: Settings,
    run: _Run,
    render: RenderMode,
    inspectors: Sequence[PageInspector] = (),
    init_scripts: tuple[Path, ...] = (),
    on_progress: Progress | None = None,
    *,
    revisit: RevisitPolicy | None = None,
    budget: TimeBudget | None = None,
    access: SiteAccess | None = None,
) -> AsyncIterator[Crawler]:
    """A crawler over the run's stored frontier, with a browser unless render is never; `revisit`
    says which pages the last run saw need no request (default: trust the sitemap's lastmod);
    `access`: headers and cookies for every request, after logging in if it has a login recipe."""
    guard = _guard_for(site)
    access = await _logged_in(access, settings, guard)
    in_flight = _in_flight(settings, render)
    fetch_settings = FetchSettings(
        user_agent=settings.user_agent, max_bytes=settings.max_bytes, headers=access.headers, cookies=access.cookies
    )
    async with Fetcher(guard, fetch_settings) as fetcher:
        renderer = None
        if render is not RenderMode.NEVER:
            renderer = _renderer(guard, settings, access, init_scripts, in_flight)
            await renderer.__aenter__()
        crawler = None
        try:
            crawler = Crawler(
                site,
                fetcher,
                RobotsCache(fetcher),
                renderer,
                inspectors,
                _crawl_settings(settings, render, in_flight, revisit),
                frontier=run.frontier(),
                previous=run.previous(),
                previous_links=run.store.visits.links,
                on_progress=on_progress,
                budget=budget,
            )
            yield crawler
        finally:
            if crawler is not None:
                _note_crawler_stats(run, crawler)
            if renderer is not None:
                await renderer.__aexit__(None, None, None)


def _in_flight(settings: Settings, render: RenderMode) -> int:
    """Requests in flight at once. A page in the browser waits on its own round trips more than on
    the CPU: rendering more pages at once keeps the cores busy, while per_host still caps the
    requests any one host sees."""
    if render is RenderMode.NEVER:
        return settings.concurrency
    return max(settings.concurrency, settings.render_concurrency)


def _renderer(
    guard: AddressGuard, settings: Settings, access: SiteAccess, init_scripts: tuple[Path, ...], in_flight: int
) -> Renderer:
    """The browser the crawl renders pages in (not started yet)."""
    return Renderer(
        guard,
        RenderSettings(
            executable=settings.chromium,
            timeout_s=settings.page_timeout_s,
            init_scripts=init_scripts,
            block_third_party=settings.block_third_party,
            measure_widths=settings.measure_widths,
            extra_headers=access.headers,
            cookies=access.cookies,
        ),
        user_agent=settings.user_agent,
        concurrency=in_flight,
    )


def _crawl_settings(
    settings: Settings, render: RenderMode, in_flight: int, revisit: RevisitPolicy | None
) -> CrawlSettings:
    return CrawlSettings(
        concurrency=in_flight,
        per_host=settings.per_host,
        render=render,
        time_budget_s=settings.time_budget_s,
        official_hops=settings.official_hops,
        revisit=revisit or RevisitPolicy(),
    )


def _note_crawler_stats(run: _Run, crawler: Crawler) -> None:
    """Into the run's stats: how many pages went without a request, and why."""
    run.extra_stats["revisit"] = crawler.revisits.stats()
    run.extra_stats["politeness"] = crawler.caps.stats()
    if crawler.assets_changed:
        run.extra_stats["assets_changed"] = crawler.assets_changed
    if notes := crawler.robots.notes():
        run.extra_stats["robots"] = notes


async def _logged_in(access: SiteAccess | None, settings: Settings, guard: AddressGuard) -> SiteAccess:
    """The access to crawl with: the configured one, plus the login's session cookies."""
    if access is None:
        return SiteAccess()
    if access.login is None:
        return access
    cookies = await log_in(
        access.login, executable=settings.chromium, guard=guard, access=access, user_agent=settings.user_agent
    )
    return replace(access, cookies=cookies, login=None)


async def crawl_site(
    site: SiteConfig,
    store: Store,
    settings: Settings,
    *,
    render: RenderMode = RenderMode.NEVER,
    resume: int | None = None,
    on_progress: Progress | None = None,
    revisit: RevisitPolicy | None = None,
    access: SiteAccess | None = None,
) -> RunOutcome:
    """Crawl only: every page recorded with its status, no audits or rules."""
    with _Run(
        store, site, settings_of_run(site, settings, {}, mode="crawl"), resume, lease_s=settings.run_lease_s
    ) as run:
        batch: list[PageSnapshot] = []
        fetched = 0
        budget = TimeBudget(settings.time_budget_s)  # from the run's start: a browser's launch counts
        async with open_crawler(
            site, settings, run, render, on_progress=on_progress, revisit=revisit, budget=budget, access=access
        ) as crawler:
            async for crawled in crawler.crawl():
                # Batched: one transaction per BATCH pages fetched (or CARRIED_BATCH pages in all).
                # A crash loses at most the batch, and the frontier (completed in the same
                # transaction) makes the resume fetch it again.
                batch.append(_light(crawled.snapshot))
                run.outcome.pages.append(_summary(crawled.snapshot))
                fetched += crawled.snapshot.confirmed_at is None  # set only on a page not requested
                if fetched >= BATCH or len(batch) >= CARRIED_BATCH:
                    store.visits.record_many(run.run_id, run.site_id, batch)
                    batch.clear()
                    fetched = 0
            store.visits.record_many(run.run_id, run.site_id, batch)
            if left := crawler.left():  # a time budget ran out: say what was not fetched
                run.extra_stats["left_in_frontier"] = left
        if resume is not None:  # the summary covers the pages recorded before the interruption too
            run.outcome.pages = _summaries(store, run.run_id)
        return run.outcome


async def assess_site(
    site: SiteConfig,
    store: Store,
    settings: Settings,
    *,
    sample: SampleOptions | None = None,
    resume: int | None = None,
    on_progress: Progress | None = None,
    selenium: SeleniumSettings | None = None,
    fresh: bool = False,
    as_of: date | None = None,
    access: SiteAccess | None = None,
    register: bool = True,
    stop: StopRequest | None = None,
    on_page: Callable[[str], None] | None = None,
) -> RunOutcome:
    """The whole job: crawl, audit (every page, or a sample), detect survey features, suggest answers.
    With `selenium`, axe runs through Selenium once the crawl is over, and our own checks do not run.
    A page is carried forward from the last run only when its document, its own stylesheets and
    scripts, and the engines (axe-core, our checks, the standard) are unchanged; `fresh`: never.
    `as_of` is the day time-relative rules judge against (default: the day the run starts); it is
    stored with the run.
    `stop` (Ctrl-C) ends the crawl early: what was audited is assessed and the run is `interrupted`;
    `on_page` hears each page's status."""
    as_of = as_of or datetime.now(UTC).date()
    suite = audit_suite(settings)
    instruments = instruments_for(site.kind)
    engine = RuleEngine(load_modules(), instruments)
    lexicons = Lexicons.load()
    live = SeleniumAudit.for_suite(suite, selenium) if selenium is not None else None
    if live is not None:
        await live.check()  # before the run is recorded: a bad Grid URL or no chromedriver costs no crawl
    render, run_settings = _assess_plan(site, settings, suite, sample, live)
    budget = TimeBudget(settings.time_budget_s)
    run_settings["as_of"] = as_of.isoformat()
    with _Run(store, site, run_settings, resume, as_of, register=register, lease_s=settings.run_lease_s) as run:
        run.engines, run.fresh = suite.engine_versions, fresh
        if live is not None:  # in the stats too: report.json says the own checks did not run
            run.extra_stats["driver"] = live.describe()
        assessment = Assessment(
            store, run.run_id, run.site_id, engine, lexicons,
            standard=suite.standard, as_of=as_of, validator_url=settings.validator_url,
        )  # fmt: skip
        job = _Job(site, run, assessment, suite, live, sample, budget, budget.part(WORK_SHARE), resume)
        try:
            async with _open_crawler(job, settings, render, on_progress, access) as crawler:
                site_findings = await _assess_with(job, crawler, engine, lexicons, as_of, stop, on_page)
        except (KeyboardInterrupt, asyncio.CancelledError):
            assessment.close(keep=True)  # the run stays resumable: so does what it fetched
            raise
        except BaseException:
            assessment.close()
            raise
        assessment.close()
        _conclude(job, engine, instruments, site_findings)
        if resume is not None:  # the summary covers the pages recorded before the interruption too
            run.outcome.pages = _summaries(store, run.run_id)
        return run.outcome


def _assess_plan(
    site: SiteConfig, settings: Settings, suite: AuditSuite, sample: SampleOptions | None, live: SeleniumAudit | None
) -> tuple[RenderMode, dict[str, Any]]:
    """When the crawl renders pages, and the settings the run is stored with."""
    # Auditing everything renders every page; a sample renders what needs JavaScript during the
    # crawl and the chosen pages after it, from the HTML already fetched.
    render = RenderMode.AUTO if sample else RenderMode.ALWAYS
    run_settings = settings_of_run(site, settings, suite.engine_versions, mode="assess")
    if sample is not None:  # what `assess --resume` audits again with
        run_settings["sample"] = {"seed": sample.seed, "ratio": sample.ratio}
    if live is not None:  # axe runs through Selenium after the crawl: the crawl renders nothing
        render = RenderMode.NEVER
        run_settings["driver"] = live.describe()
    return render, run_settings


@dataclass(slots=True)
class _Job:
    """What every stage of one assessment reads and writes."""

    site: SiteConfig
    run: _Run
    assessment: Assessment
    suite: AuditSuite
    live: SeleniumAudit | None  # axe through Selenium after the crawl, instead of during it
    sample: SampleOptions | None
    budget: TimeBudget
    work: TimeBudget  # the share of the budget for audits, markup validation and the site-wide detectors
    resume: int | None
    cut: list[str] = field(default_factory=list)  # steps the time budget cut short

    @property
    def store(self) -> Store:
        return self.run.store


def _open_crawler(
    job: _Job, settings: Settings, render: RenderMode, on_progress: Progress | None, access: SiteAccess | None
) -> AbstractAsyncContextManager[Crawler]:
    """The assessment's crawler: the suite's inspectors in its browser, within the crawl's share of the budget."""
    suite = job.suite
    return open_crawler(
        job.site,
        settings,
        job.run,
        render,
        suite.inspectors,
        suite.init_scripts,
        on_progress,
        budget=job.budget.part(CRAWL_SHARE),
        access=access,
    )


async def _assess_with(
    job: _Job,
    crawler: Crawler,
    engine: RuleEngine,
    lexicons: Lexicons,
    as_of: date,
    stop: StopRequest | None,
    on_page: Callable[[str], None] | None,
) -> list[Finding]:
    """Crawl, audit and run the site-wide detectors with one crawler; the site's findings."""
    run, assessment, work = job.run, job.assessment, job.work
    # A resumed run redoes only the stage it was killed in: the crawl goes on from its stored
    # frontier; an audit stage is dropped and redone whole; the conclusions are always redone.
    stage = run_state.stage(job.store, run.run_id) if job.resume is not None else "crawl"
    if job.resume is not None:
        assessment.resume()
        run.extra_stats["resumed_from_stage"] = stage
    if stop is not None:
        stop.on_stop(crawler.stop)
    if stage == "crawl":
        await _crawl_stage(job, crawler, on_page)
    run.interrupted = stop is not None and stop.requested
    pages = _pages_to_audit(job, stage)
    if run.interrupted:  # what was rendered during the crawl is what the report covers
        run.extra_stats["interrupted"] = True
        run.extra_stats["markup_validation"] = "not run: the run was interrupted"
        assessment.check_statement(pages)
    elif stage != "conclude":
        pages = await _audit_stage(job, crawler, pages)
    _check_audited(assessment, pages)
    view = SiteView(job.site, pages, lexicons, fetch=crawler.probe, audits_by_url=assessment.audits_by_url, as_of=as_of)
    site_findings = await engine.check_site(view, deadline=work.deadline)
    if job.cut or work.spent:
        run.extra_stats["time_budget"] = {"seconds": job.budget.seconds, "cut_short": job.cut}
    return site_findings


async def _crawl_stage(job: _Job, crawler: Crawler, on_page: Callable[[str], None] | None) -> None:
    """Every page crawled is audited (when rendered) and recorded as it arrives."""
    async for crawled in crawler.crawl():
        await _off_the_loop(job.assessment.add, crawled)
        job.run.outcome.pages.append(_summary(crawled.snapshot))
        if on_page is not None:
            on_page(crawled.snapshot.status)
    if left := crawler.left():
        job.run.extra_stats["left_in_frontier"] = left


def _pages_to_audit(job: _Job, stage: str) -> list[PageDigest]:
    """The run's pages, read back from the store (a resumed run sees the pages of its earlier part
    too), once the start page is known to be reached; the run moves on to its audit stage."""
    store, run_id = job.store, job.run.run_id
    pages = store.visits.digests(run_id)
    job.run.check_home(pages, job.budget.part(CRAWL_SHARE))
    if stage == "crawl":
        run_state.enter_audit_stage(store, run_id)
    elif stage == "audit":
        run_state.reset_audit_stage(store, run_id)
        pages = store.visits.digests(run_id)
    return pages


async def _audit_stage(job: _Job, crawler: Crawler, pages: list[PageDigest]) -> list[PageDigest]:
    """The audits after the crawl (Selenium's, or a sample's), markup validation and the
    accessibility statement check; the pages as they are after it."""
    assessment, work = job.assessment, job.work
    chosen = await _audit_after_crawl(job, crawler, pages)
    if job.live is not None or chosen is not None:  # pages rendered since: read them again
        job.run.extra_stats.update(assessment.sample_stats())
        pages = job.store.visits.digests(job.run.run_id)
    if work.spent:
        job.cut.append("markup validation")
    elif problem := assessment.validate_markup(only=chosen.urls if chosen is not None else None, timeout_s=work.left()):
        job.run.extra_stats["markup_validation"] = problem
    assessment.check_statement(pages)
    run_state.enter_conclude_stage(job.store, job.run.run_id)
    if job.resume is not None:  # an interrupted audit stage's results were dropped above
        assessment.resume()
    return pages


async def _audit_after_crawl(job: _Job, crawler: Crawler, pages: list[PageDigest]) -> Sample | None:
    """axe through Selenium (every page fetched, or the sample) or the sample in the crawl's browser;
    the pages chosen, or None when every page was audited during the crawl."""
    if job.live is not None:
        live_audit = job.live.audit(job.assessment, pages, job.sample, _guard_for(job.site))
        return await _within(job.work, live_audit, "selenium audit", job.cut)
    if job.sample is not None and crawler.renderer is not None:
        sample_audit = job.assessment.audit_sample(pages, job.sample, crawler.renderer, job.suite.inspectors)
        return await _within(job.work, sample_audit, "sample audit", job.cut)
    return None


def _conclude(job: _Job, engine: RuleEngine, instruments: Sequence[str], site_findings: list[Finding]) -> None:
    """The suggested answers from every finding, written with the site's findings."""
    store, run = job.store, job.run
    if job.resume is not None:
        run_state.reset_conclusions(store, run.run_id)
    findings = [*job.assessment.page_findings(), *site_findings]
    answers = [a for key in instruments for a in decide(load_instrument(key), findings, engine.covered())]
    with store.atomic():  # the site's findings and the answers: all written or none
        store.findings.record(run.run_id, site_findings)
        store.answers.record(run.run_id, run.site_id, answers)
    run.extra_stats["findings"] = len(findings)


def _check_audited(assessment: Assessment, pages: Sequence[PageContent]) -> None:
    """NothingAudited unless at least one page has a result that is not an error."""
    if any(any(r.outcome is not Outcome.ERROR for r in results) for results in assessment.audits_by_url.values()):
        return
    seen = [
        f"{p.final_url} ({p.status}"
        + (f", {p.content_type or 'no content type'}" if p.readable else f": {p.reason or p.status_code}")
        + ")"
        for p in pages[:3]
    ]
    more = f" and {len(pages) - 3} more" if len(pages) > 3 else ""
    raise NothingAudited(
        f"no page could be audited: {len(pages)} fetched, none an HTML page or document that the checks "
        f"could read: {', '.join(seen)}{more}"
    )


async def _within(budget: TimeBudget, step: Awaitable[T], what: str, cut: list[str]) -> T | None:
    """The step's result, or None (its name added to `cut`) when the time budget ends first."""
    try:
        async with asyncio.timeout_at(budget.deadline):
            return await step
    except TimeoutError:
        if budget.deadline is None or not budget.spent:
            raise
        cut.append(what)
        return None


async def _off_the_loop(record: Callable[[CrawledPage], None], crawled: CrawledPage) -> None:
    """Records a page (storage, rules: ~35 ms of Python) in a worker thread: meanwhile the event loop
    keeps driving the browser pages in flight, which stalled for as long as each page was recorded
    (200 pages: 2.24 → 2.36 and 1.92 → 2.00 pages/s, two pairs of runs on a loaded machine). A run
    cancelled meanwhile still waits for the page to be recorded before it cleans up."""
    recording = asyncio.ensure_future(asyncio.to_thread(record, crawled))
    try:
        await asyncio.shield(recording)
    except asyncio.CancelledError:
        await recording
        raise


def _summaries(store: Store, run_id: int) -> list[PageSummary]:
    return store.visits.summaries(run_id)


def _light(snapshot: PageSnapshot) -> PageSnapshot:
    """Without its markup: all a stored visit keeps, and far less to hold in a batch."""
    if not snapshot.html and snapshot.dom is None:  # a carried page: nothing to drop
        return snapshot
    return replace(snapshot, html="", dom=None)


def _summary(snapshot: PageSnapshot) -> PageSummary:
    return PageSummary(
        snapshot.requested_url,
        snapshot.final_url,
        snapshot.status,
        snapshot.depth,
        snapshot.status_code,
        snapshot.reason,
    )


def audit_suite(settings: Settings) -> AuditSuite:
    """The audits an assessment runs with these settings (the worker records their versions before it starts)."""
    return build_suite(
        AuditSettings(
            axe_script=Path(settings.axe_script) if settings.axe_script else None,
            axe_timeout_s=settings.axe_timeout_s,
            standard=settings.standard,
            screenshots=settings.screenshots,
        )
    )


def settings_of_run(site: SiteConfig, settings: Settings, engines: dict[str, str], *, mode: str) -> dict[str, Any]:
    """The settings a run is stored with: what `--resume`, the revisit policy and the report read back."""
    return {
        "mode": mode,
        "max_pages": site.max_pages,
        "max_depth": site.max_depth,
        "concurrency": settings.concurrency,
        "render_concurrency": settings.render_concurrency,
        "user_agent": settings.user_agent,
        "engines": engines,
        "chromium": settings.chromium,
    }
