"""Runs the registered rule modules over a crawl and turns observations into findings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

from crawler.site import SiteKind
from crawler.yaml_data import load_yaml
from rules.findings import ERROR, Evidence, Finding
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView
from rules.plugins import entry_points

ENTRY_POINT_GROUP = "govaudit.rules"


class RuleLoadError(RuntimeError):
    pass


def load_modules(names: Iterable[str] | None = None) -> list[RuleModule]:
    """Instantiate the modules registered under `govaudit.rules` (optionally only `names`)."""
    wanted = set(names) if names is not None else None
    modules = []
    for entry in entry_points(ENTRY_POINT_GROUP):
        if wanted is not None and entry.name not in wanted:
            continue
        try:
            cls = entry.load()
        except Exception as exc:  # a broken plug-in names itself instead of stopping every audit
            raise RuleLoadError(f"rule module {entry.name!r} ({entry.value}) failed to load: {exc}") from exc
        modules.append(cls())
    return modules


@cache
def instruments_for(kind: SiteKind) -> tuple[str, ...]:
    data = load_yaml(resources.files("rules").joinpath("site_kinds.yaml").read_text())
    return tuple(data.get(str(kind), ()))


def fan_out(module: RuleModule, observations: Iterable[Observation], instruments: Sequence[str]) -> list[Finding]:
    findings = []
    for obs in observations:
        for instrument in instruments:
            codes = obs.questions if obs.questions is not None else module.informs
            for question in codes.get(instrument, ()):
                findings.append(
                    Finding(
                        rule_id=obs.rule_id or module.id,
                        rule_version=module.version,
                        instrument=instrument,
                        question=question,
                        value=obs.value,
                        confidence=obs.confidence,
                        evidence=obs.evidence,
                        note=obs.note,
                    )
                )
    return findings


def failure_findings(module: RuleModule, instruments: Sequence[str], reason: str, url: str = "") -> list[Finding]:
    """A module that failed: one `error` finding per question it informs, with why. The deciders
    answer such a question `error` unless another module answered it."""
    evidence = (Evidence(url=url),) if url else ()
    return [
        Finding(module.id, module.version, instrument, question, ERROR, 0.0, evidence, reason)
        for instrument in instruments
        for question in module.informs.get(instrument, ())
    ]


def _why(module: RuleModule, exc: BaseException, where: str) -> str:
    detail = str(exc)[:300]
    return f"rule module {module.id} failed on {where}: {type(exc).__name__}" + (f": {detail}" if detail else "")


class RuleEngine:
    """Runs every module; a module that raises becomes that module's `error` findings (with the
    exception named), never the run's failure: one detector's bug or one hostile answer (a
    RecursionError from nested JSON) must not cost the other detectors' answers."""

    def __init__(self, modules: Sequence[RuleModule], instruments: Sequence[str]) -> None:
        self.modules = [m for m in modules if any(i in m.informs for i in instruments)]
        self.instruments = tuple(instruments)

    def check_page(self, page: PageView, lexicons: Lexicons) -> list[Finding]:
        findings = []
        url = page.snapshot.final_url
        for module in self.modules:
            try:
                findings += fan_out(module, module.check_page(page, lexicons), self.instruments)
            except Exception as exc:  # any module bug, recorded as its error
                findings += failure_findings(module, self.instruments, _why(module, exc, url), url)
        return findings

    async def check_site(self, site: SiteView, deadline: float | None = None) -> list[Finding]:
        """Every module in turn; with a `deadline` (the event loop's clock: a run's time budget), a
        module still running then (waiting on a slow probe) ends as its `error`, and so does every
        module after it, unrun."""
        findings = []
        for module in self.modules:
            timeout = asyncio.timeout_at(deadline)
            try:
                async with timeout:
                    findings += fan_out(module, await module.check_site(site), self.instruments)
            except TimeoutError as exc:
                budget = f"rule module {module.id} did not finish within the run's time budget"
                findings += failure_findings(
                    module, self.instruments, budget if timeout.expired() else _why(module, exc, "the site")
                )
            except Exception as exc:  # as in check_page
                findings += failure_findings(module, self.instruments, _why(module, exc, "the site"))
        return findings

    def covered(self) -> set[tuple[str, str]]:
        """(instrument, question) pairs some module answers."""
        return {(i, q) for m in self.modules for i in self.instruments for q in m.informs.get(i, ())}
