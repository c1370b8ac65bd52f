"""The standard an audit is held to: which WCAG success criteria count, which axe-core tags run.

Results for criteria outside the standard are dropped (a WCAG 2.2 criterion means nothing to a WCAG
2.0 audit, and 4.1.1 Parsing is obsolete in WCAG 2.2); results that name no criterion (best
practice, HTML validity) are kept as they are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from audits.checks.common import load_data
from audits.result import AuditResult

DEFAULT_STANDARD = "wcag22"


class UnknownStandard(ValueError):
    """A --standard that is not one of STANDARD_KEYS; the message lists them."""


def _flatten(groups: Iterable[Iterable[str] | str]) -> list[str]:
    out: list[str] = []
    for group in groups:
        out.extend([group] if isinstance(group, str) else group)
    return out


@dataclass(frozen=True, slots=True)
class Standard:
    key: str
    title: str
    criteria: frozenset[str]
    axe_tags: tuple[str, ...]

    @property
    def parsing(self) -> bool:
        """Whether 4.1.1 Parsing is a criterion of this standard."""
        return "4.1.1" in self.criteria

    def covers(self, result: AuditResult) -> bool:
        """A result that names criteria counts when one of them is in the standard. Best-practice and
        AAA results (`is_wcag` False) are outside every standard's score anyway: they are kept as such."""
        return not result.is_wcag or not result.wcag or any(sc in self.criteria for sc in result.wcag)

    def select(self, results: Iterable[AuditResult]) -> list[AuditResult]:
        return [r for r in results if self.covers(r)]


@cache
def standards() -> dict[str, Standard]:
    data = load_data("standards.yaml")["standards"]
    out = {}
    for key, spec in data.items():
        removed = set(spec.get("removed", ()))
        criteria = frozenset(sc for sc in _flatten(spec["criteria"]) if sc not in removed)
        out[key] = Standard(key=key, title=spec["title"], criteria=criteria, axe_tags=tuple(spec["axe_tags"]))
    return out


def get_standard(key: str = DEFAULT_STANDARD) -> Standard:
    found = standards().get(key.strip().lower())
    if found is None:
        raise UnknownStandard(f"--standard must be one of {', '.join(standards())}, not {key!r}")
    return found
