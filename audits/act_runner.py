"""The browser side of the ACT run: serve the corpus on 127.0.0.1, render every case once, keep our results.

One Chromium (crawler.render.Renderer) for all cases, axe in every page through the init script, and the
inspectors `audits.inspectors.build_suite()` returns at run time (axe plus our own checks).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from audits.act_cases import ACT_EXTRA_TAGS, TestCase
from audits.axe import AxeInspector
from audits.inspectors import build_suite
from audits.outcome import Outcome
from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.render import DEFAULT_CHROMIUM, PageInspector, Renderer, RenderSettings

CASE_TIMEOUT_S = 90.0  # a case that hangs (a missing video) is recorded as not rendered, the run goes on


class _QuietHandler(SimpleHTTPRequestHandler):
    # Keep-alive: under HTTP/1.0 every request of every case is a new connection through the renderer's
    # egress proxy (a SOCKS handshake, an address check, a server thread); the browser reuses a few instead.
    protocol_version = "HTTP/1.1"
    # Read from the class (set on the functools.partial that builds handlers, it was never read).
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": "application/xml"}  # noqa: RUF012 - as http.server declares it

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser drops media downloads it no longer needs (a page closed mid-video): not an error.
        pass


class StaticServer:
    """`with StaticServer(root) as server: server.url("/WAI/…")` — a threaded file server on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@dataclass(slots=True)
class ActRun:
    # url_path → our results (None: did not render). Not testcase_id: identical cases of two rules share it.
    results: dict[str, list[AuditResult] | None]
    wall_s: float
    failures: int
    axe_version: str
    browser_version: str
    own_rules: tuple[str, ...]  # rule ids our own checks reported during the run
    production_rules: frozenset[str] = field(default_factory=frozenset)  # axe rules the production tags run
    errors: dict[str, str] = field(default_factory=dict)


Progress = Callable[[int, int], None]  # (cases done, cases in all)


def run_cases(
    cases: Sequence[TestCase],
    www: Path,
    *,
    concurrency: int = 2,
    production_tags: bool = False,
    progress: Progress | None = None,
    chromium: str = DEFAULT_CHROMIUM,
    only_scored: Mapping[str, Collection[str]] | None = None,
) -> ActRun:
    """Renders every case once with axe and our checks. `only_scored`, the ACT rules our own checks
    implement and the rule ids of ours each is scored on (`audits.act.OWN_CHECKS`), runs on each case
    only what its rule is scored on: the axe rules the rule maps to, and those of our checks that report
    one of its rule ids; the scores are the same, the browser's work a fraction (most cases need one or
    two axe rules, not all of them and every check)."""
    return asyncio.run(_run(cases, www, concurrency, production_tags, progress, chromium, only_scored))


async def _run(
    cases: Sequence[TestCase],
    www: Path,
    concurrency: int,
    production_tags: bool,
    progress: Progress | None,
    chromium: str,
    only_scored: Mapping[str, Collection[str]] | None,
) -> ActRun:
    suite = build_suite()
    axe = next(i for i in suite.inspectors if isinstance(i, AxeInspector))
    act_axe = axe if production_tags else dataclasses.replace(axe, tags=(*axe.tags, *ACT_EXTRA_TAGS))
    inspectors: list[PageInspector] = [act_axe if i is axe else _Guarded(i) for i in suite.inspectors]
    # No responsive measurement: nothing in the ACT scoring reads it, and it costs two viewport changes.
    settings = RenderSettings(executable=chromium, init_scripts=suite.init_scripts, measure_widths=())
    results: dict[str, list[AuditResult] | None] = {}
    errors: dict[str, str] = {}
    queue: asyncio.Queue[TestCase] = asyncio.Queue()
    for case in cases:
        queue.put_nowait(case)
    with StaticServer(www) as server:
        async with Renderer(AddressGuard(allow_private=True), settings, concurrency=concurrency) as renderer:
            first = server.url(cases[0].url_path) if cases else ""
            scoped = act_axe if only_scored is not None else None
            production_rules, act_rules = await _rules_run(renderer, first, axe, scoped) if cases else (set(), set())
            inspectors_for = _CaseInspectors(inspectors, act_axe, act_rules, only_scored)

            async def worker() -> None:
                while not queue.empty():
                    case = queue.get_nowait()
                    found = await _render_case(renderer, server.url(case.url_path), inspectors_for(case))
                    if isinstance(found, str):
                        results[case.url_path], errors[case.url_path] = None, found
                        continue
                    results[case.url_path] = found
                    if progress is not None:
                        progress(len(results), len(cases))

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            # A case the browser failed on (a timeout on a loaded machine) gets one more try, alone: a
            # hiccup must not turn its rule's verdict into "untested".
            for case in [c for c in cases if results.get(c.url_path) is None]:
                queue.put_nowait(case)
            await worker()
            wall = time.perf_counter() - started
            browser = renderer.browser_version
    own = sorted({r.rule_id for rs in results.values() if rs for r in rs if r.engine != "axe-core"})
    return ActRun(
        results=results,
        wall_s=wall,
        failures=sum(1 for r in results.values() if r is None),
        axe_version=axe.version,
        browser_version=browser,
        own_rules=tuple(own),
        production_rules=frozenset(production_rules),
        errors={url: why for url, why in errors.items() if results.get(url) is None},  # the retries' verdicts
    )


async def _render_case(renderer: Renderer, url: str, inspectors: list[PageInspector]) -> list[AuditResult] | str:
    """The case's results, or why it was not rendered."""
    try:
        outcome = await asyncio.wait_for(renderer.render(url, inspectors), CASE_TIMEOUT_S)
    except TimeoutError:
        return "timed out"
    if outcome.error:
        return outcome.error
    return [r for found in outcome.inspections.values() for r in found]


@dataclass(frozen=True, slots=True)
class _CaseInspectors:
    """What runs on a case: every inspector, or (`only_scored`) what its ACT rule is scored on."""

    every: list[PageInspector]
    act_axe: AxeInspector
    act_rules: set[str]  # the axe rules the ACT tags run
    only_scored: Mapping[str, Collection[str]] | None

    def __call__(self, case: TestCase) -> list[PageInspector]:
        if self.only_scored is None:
            return self.every
        rules = tuple(sorted(set(case.axe_rule_ids) & self.act_rules))
        chosen: list[PageInspector] = [dataclasses.replace(self.act_axe, rules=rules)] if rules else []
        scored = set(self.only_scored.get(case.rule_id, ()))
        if scored:
            chosen += [i for i in self.every if i is not self.act_axe and _reports_any(i, scored)]
        return chosen


def _reports_any(inspector: PageInspector, rule_ids: set[str]) -> bool:
    """An inspector that does not say which rules it reports on runs wherever one of ours is scored."""
    declared: Collection[str] | None = getattr(inspector, "rule_ids", None)
    return declared is None or not rule_ids.isdisjoint(declared)


@dataclass(slots=True)
class _Guarded:
    """One own check that throws (e.g. on an SVG document, which has no body) must not cost the case its
    axe results: the renderer drops the whole render on an inspector's exception. Its error is recorded."""

    inner: PageInspector
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.inner.name

    @property
    def rule_ids(self) -> Collection[str] | None:
        return getattr(self.inner, "rule_ids", None)

    async def inspect(self, page: Page, url: str) -> Sequence[AuditResult]:
        try:
            return list(await self.inner.inspect(page, url))
        except Exception as exc:  # any failure of a check is that check's error, never the page's
            reason = f"{self.name} failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            return [
                AuditResult(
                    page_url=url,
                    engine="govaudit",
                    engine_version="",
                    rule_id=self.name,
                    outcome=Outcome.ERROR,
                    reason=reason,
                )
            ]


async def _rules_run(
    renderer: Renderer, url: str, axe: AxeInspector, act_axe: AxeInspector | None
) -> tuple[set[str], set[str]]:
    """Which axe rules the production options run, and the ACT options (`act_axe`, if given): every rule
    axe ran appears in one of its result lists. The options alone decide the set, so one load of the page
    serves both runs."""
    inspectors = [axe, *([dataclasses.replace(act_axe, name="axe-act")] if act_axe is not None else [])]
    outcome = await renderer.render(url, inspectors)

    def ran(name: str) -> set[str]:
        return {r.rule_id for r in outcome.inspections.get(name, ()) if r.rule_id != "axe-run"}

    return ran(axe.name), ran("axe-act") if act_axe is not None else set()
