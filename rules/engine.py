"""Runs the registered rule modules over a crawl and turns observations into findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from importlib import metadata, resources

import yaml

from crawler.site import SiteKind
from rules.findings import Finding
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView

ENTRY_POINT_GROUP = "govaudit.rules"


class RuleLoadError(RuntimeError):
    pass


def load_modules(names: Iterable[str] | None = None) -> list[RuleModule]:
    """Instantiate the modules registered under `govaudit.rules` (optionally only `names`)."""
    wanted = set(names) if names is not None else None
    modules = []
    for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
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
    data = yaml.safe_load(resources.files("rules").joinpath("site_kinds.yaml").read_text())
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


class RuleEngine:
    def __init__(self, modules: Sequence[RuleModule], instruments: Sequence[str]) -> None:
        self.modules = [m for m in modules if any(i in m.informs for i in instruments)]
        self.instruments = tuple(instruments)

    def check_page(self, page: PageView, lexicons: Lexicons) -> list[Finding]:
        findings = []
        for module in self.modules:
            findings += fan_out(module, module.check_page(page, lexicons), self.instruments)
        return findings

    async def check_site(self, site: SiteView) -> list[Finding]:
        findings = []
        for module in self.modules:
            findings += fan_out(module, await module.check_site(site), self.instruments)
        return findings

    def covered(self) -> set[tuple[str, str]]:
        """(instrument, question) pairs some module answers."""
        return {(i, q) for m in self.modules for i in self.instruments for q in m.informs.get(i, ())}
