"""The audit side of an assessment: everything done with a run's pages besides crawling them.

Pages arrive one by one from the crawl; `Assessment` records each with its audit results and
page-level findings, keeps the served HTML on disk (for the markup validator and for rendering a
sample later without fetching again), audits PDF documents, and at the end validates markup,
reads the accessibility statement and, in sample mode, renders and audits the chosen sample.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import shutil
import stat
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from audits.checks.common import result
from audits.documents import check_pdf
from audits.outcome import Outcome
from audits.prescan import prescan
from audits.result import AuditResult
from audits.sampling import Sample, choose_sample, structural_pages
from audits.screenshots import audit_results_in, screenshots_in
from audits.standards import Standard, get_standard
from audits.statement import check_statement
from audits.validity import ValidatorUnavailable, validate_html
from crawler.crawl import CrawledPage
from crawler.render import PageInspector, Renderer, ServedDocument
from crawler.snapshot import PageDigest, PageSnapshot, ScanStatus
from rules.engine import RuleEngine
from rules.findings import Finding
from rules.lexicon import Lexicons
from rules.module import PageView
from storage import Store, run_state

MAX_VALIDATED = 500  # pages sent to the markup validator per run (its JVM run grows with them)


@dataclass(frozen=True, slots=True)
class SampleOptions:
    """Audit only a WCAG-EM style sample: structured pages plus a seeded random share."""

    seed: int | None = None  # None: a new seed, stored with the run so the sample can be redrawn
    ratio: float = 0.10

    def resolved_seed(self) -> int:
        return self.seed if self.seed is not None else random.SystemRandom().randrange(2**31)


def _inspector_error(url: str, inspector: str, why: str) -> AuditResult:
    """A check that could not run on a page is an `error` result with the reason, never silence."""
    return result(url, f"{inspector}-run", Outcome.ERROR, (), "", reason=f"{inspector} failed: {why}")


class _HtmlOnDisk(Mapping[str, str]):
    """Served HTML by URL, in a temporary folder: memory stays flat however big the site."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._urls: dict[str, Path] = {}

    def put(self, url: str, html: str) -> None:
        path = self._path(url)
        path.write_text(html, encoding="utf-8")
        self._urls[url] = path

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha1(url.encode()).hexdigest() + ".html")

    def reload(self, urls: Iterable[str]) -> None:
        """The pages an interrupted run of the same folder had kept."""
        for url in urls:
            if self._path(url).is_file():
                self._urls[url] = self._path(url)

    def __getitem__(self, url: str) -> str:
        return self._urls[url].read_text(encoding="utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls)

    def __len__(self) -> int:
        return len(self._urls)


def _database_identity(store: Store) -> str:
    # A relative SQLite file is another database in each working folder: two runs of `govaudit demo`
    # in two folders must not share (and delete) each other's served HTML.
    url = store.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return "sqlite:" + os.path.abspath(url.database or "")
    return repr(url)


def _served_folder(store: Store, run_id: int) -> Path:
    """A private folder for the run's served HTML, named after the database and the run, so that a
    resume on this machine after a kill finds what the killed process had fetched. Falls back to a
    fresh temporary folder when the named one is not ours (a shared /tmp)."""
    key = hashlib.sha1(f"{_database_identity(store)}#{run_id}".encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"govaudit-served-{os.getuid()}-{key}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077:
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="govaudit-served-"))


class Assessment:
    def __init__(
        self,
        store: Store,
        run_id: int,
        site_id: int,
        engine: RuleEngine,
        lexicons: Lexicons,
        *,
        standard: Standard | None = None,
        as_of: date | None = None,
        validator_url: str | None = None,
    ) -> None:
        self.store, self.run_id, self.site_id = store, run_id, site_id
        self.validator_url = validator_url  # a running Nu checker, else a JVM per run
        self.standard = standard or get_standard()  # results for criteria outside it are not kept
        self.as_of = as_of
        self.engine, self.lexicons = engine, lexicons
        self.visits: dict[str, int] = {}  # final URL → visit id
        self.audits_by_url: dict[str, list[AuditResult]] = {}
        self._folder = _served_folder(store, run_id)
        self.html = _HtmlOnDisk(self._folder)
        self.sample: Sample | None = None

    def close(self, *, keep: bool = False) -> None:
        """Delete the served HTML, unless the run was interrupted (`keep`): its resume reads it."""
        if not keep:
            shutil.rmtree(self._folder, ignore_errors=True)

    # --- page by page --------------------------------------------------------------------------

    def add(self, crawled: CrawledPage) -> None:
        # One transaction: a run killed meanwhile has the page whole (visit, results, findings, its
        # frontier entry done) or not at all, and its resume then fetches it again.
        with self.store.atomic():
            self._add(crawled)

    def resume(self) -> None:
        """Pick up the pages an interrupted run recorded before (their served HTML is gone)."""
        self.visits.update(run_state.visit_ids(self.store, self.run_id))
        self.html.reload(self.visits)  # what the killed process kept on disk (none on another machine)
        for url, visit_id in self.visits.items():
            self.audits_by_url[url] = self.store.audits.of_visit(visit_id)

    def _add(self, crawled: CrawledPage) -> None:
        snapshot = crawled.snapshot
        if snapshot.carried_from is not None:
            # Unchanged since the last run: its audit results and findings stand, by reference.
            visit_id = self._record(snapshot, ())
            self.audits_by_url[snapshot.final_url] = self.store.audits.of_visit(snapshot.carried_from)
            findings = self.store.findings.of_visit(snapshot.carried_from)
        else:
            results = audit_results_in(crawled.inspections)
            results += [
                _inspector_error(snapshot.final_url, name, why) for name, why in crawled.inspection_errors.items()
            ]
            if crawled.document:
                results += check_pdf(crawled.document, snapshot.final_url)
            results = self.standard.select(results)
            visit_id = self._record(snapshot, results)
            self.store.audits.record_screenshots(visit_id, screenshots_in(crawled.inspections))
            # Survey features are read from pages and documents, never from an image or a stylesheet.
            readable = snapshot.is_html or crawled.document is not None
            findings = (
                self.engine.check_page(PageView(snapshot, results, self.as_of), self.lexicons) if readable else []
            )
            if snapshot.html and snapshot.is_html:
                self.html.put(snapshot.final_url, snapshot.html)
        if findings:
            self.store.findings.record(self.run_id, findings, visit_id=visit_id)

    def _record(self, snapshot: PageSnapshot, results: Sequence[AuditResult]) -> int:
        visit_id = self.store.visits.record(self.run_id, self.site_id, snapshot)
        if results:
            self.store.audits.record(visit_id, results)
        self.visits[snapshot.final_url] = visit_id
        self.audits_by_url[snapshot.final_url] = list(results)
        return visit_id

    def _add_results(self, url: str, results: Sequence[AuditResult]) -> None:
        results = self.standard.select(results)
        if results and url in self.visits:
            self.store.audits.record(self.visits[url], results)
            self.audits_by_url.setdefault(url, []).extend(results)

    # --- once the crawl is over ----------------------------------------------------------------

    async def audit_sample(
        self,
        pages: Sequence[PageDigest],
        options: SampleOptions,
        renderer: Renderer,
        inspectors: Sequence[PageInspector],
    ) -> Sample:
        """Choose the sample, then render and audit the chosen pages the crawl did not render,
        from the HTML it already fetched (each page is still fetched once)."""
        sample = self.sample = self.draw_sample(pages, options)
        rendered = {p.final_url for p in pages if p.rendered}
        waiting = deque(url for url in sample.urls if url not in rendered and url in self.html)

        async def audit_waiting() -> None:
            while waiting:
                url = waiting.popleft()
                await self._audit_chosen(url, f"audit sample: {sample.reasons[url]}", renderer, inspectors)

        # As many pages in the browser at once as during the crawl: the sample's renders come after
        # the crawl, and one at a time they left the browser's other slots idle.
        await asyncio.gather(*(audit_waiting() for _ in range(renderer.concurrency)))
        return sample

    async def _audit_chosen(
        self, url: str, reason: str, renderer: Renderer, inspectors: Sequence[PageInspector]
    ) -> None:
        served = ServedDocument(200, {"content-type": "text/html; charset=utf-8"}, self.html[url].encode())
        outcome = await renderer.render(url, inspectors, served)
        if outcome.blocked:
            self.render_failed(url, ScanStatus.BLOCKED_ADDRESS, outcome.error)
            return
        if outcome.dom is None:
            return
        results = audit_results_in(outcome.inspections)
        results += [_inspector_error(url, name, why) for name, why in outcome.inspection_errors.items()]
        self.add_rendered(url, outcome.render_ms, reason, results, outcome.measurements)
        if shots := screenshots_in(outcome.inspections):
            self.store.audits.record_screenshots(self.visits[url], shots)

    def draw_sample(self, pages: Sequence[PageDigest], options: SampleOptions) -> Sample:
        """The WCAG-EM sample of `pages`, read with the HTML they were served (kept on disk)."""
        with_html = [p.served(self.html.get(p.final_url, "")) for p in pages]
        # Static candidates (image without alt, unlabelled field …) so the sample covers per-page problems too.
        candidates = {p.final_url: prescan(p.html) for p in with_html if p.html and p.is_html}
        self.sample = choose_sample(with_html, seed=options.resolved_seed(), ratio=options.ratio, candidates=candidates)
        return self.sample

    def add_rendered(
        self,
        url: str,
        render_ms: float,
        reason: str,
        results: Sequence[AuditResult],
        measurements: Mapping[str, float] | None = None,
    ) -> None:
        """A page rendered and audited after its visit was recorded (a sample, or `--driver selenium`)."""
        self.store.visits.mark_rendered(self.visits[url], render_ms, reason, measurements or {})
        self._add_results(url, results)

    def render_failed(self, url: str, status: ScanStatus, reason: str) -> None:
        """A page rendered after its visit was recorded whose navigation the address guard refused (or that
        ended on the browser's error page): the visit takes that status, and no result of it is kept."""
        if url in self.visits:
            self.store.visits.mark_render_failed(self.visits[url], status, reason)

    def add_results(self, url: str, results: Sequence[AuditResult]) -> None:
        """Results for a page already recorded that no browser rendered (one that failed to load, say)."""
        self._add_results(url, results)

    def validate_markup(self, only: Sequence[str] | None = None, timeout_s: float | None = None) -> str:
        """Markup validity (W3C Nu checker) of the pages fetched, or of `only` (the sample)."""
        urls = [u for u in (only if only is not None else list(self.html)) if u in self.html][:MAX_VALIDATED]
        if not urls:
            return ""
        try:
            pages = {url: self.html[url] for url in urls}
            timeout = {} if timeout_s is None else {"timeout_s": timeout_s}
            results = validate_html(pages, parsing=self.standard.parsing, service=self.validator_url, **timeout)
        except ValidatorUnavailable as exc:
            return str(exc)
        for url, found in results.items():
            self._add_results(url, found)
        return ""

    def check_statement(self, pages: Sequence[PageDigest]) -> None:
        """The accessibility statement, found as the sampler finds structural pages (by their
        address and title: no markup is read)."""
        page = structural_pages([p.served("") for p in pages]).get("accessibility")
        if page is not None:
            self._add_results(page.final_url, [check_statement(page.text, page.language, page.final_url)])

    def sample_stats(self) -> dict[str, Any]:
        if self.sample is None:
            return {}
        return {
            "sample": {
                "seed": self.sample.seed,
                "pages": len(self.sample.urls),
                "population": self.sample.population,
                "reasons": self.sample.reasons,
                "coverage_pages": self.sample.coverage_count,
                "candidate_keys": self.sample.candidate_keys,
                "uncovered_count": len(self.sample.uncovered),
                "uncovered_keys": self.sample.uncovered[:50],  # enough to see what kind; the report stays small
            }
        }

    def page_findings(self) -> list[Finding]:
        return self.store.findings.of_run_pages(self.run_id)
