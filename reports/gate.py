"""The CI gate: does a report fail the build? `--fail-on LEVEL` fails on any WCAG failure of that
impact or worse; `--baseline report.json` ignores the issues the baseline already had (same
fingerprint), so a team can adopt the gate on a site with known debt and fail only on regressions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audits.result import IMPACT_LEVELS
from reports.history import IssueBrief
from reports.serial import MalformedReport, read_report, to_object
from reports.types import Issue, Report

FAIL_ON_CHOICES = (*IMPACT_LEVELS, "none")  # failing on "serious" also fails on "critical"
# `--fail-on serious+best-practice`: best-practice failures of that impact gate too (off by default).
BEST_PRACTICE_SUFFIX = "+best-practice"


def valid_fail_on(fail_on: str) -> bool:
    return fail_on.removesuffix(BEST_PRACTICE_SUFFIX) in FAIL_ON_CHOICES


class BadBaseline(ValueError):
    """The baseline file cannot be read as a govaudit report.json."""


@dataclass(frozen=True, slots=True)
class GateResult:
    fail_on: str
    failed: bool
    blocking: tuple[Issue, ...] = ()  # issues that fail the gate
    known: int = 0  # issues at or above the threshold that the baseline already had
    baseline: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "fail_on": self.fail_on,
            "failed": self.failed,
            "baseline": self.baseline,
            "known_in_baseline": self.known,
            "blocking": [to_object(IssueBrief.of(i)) for i in self.blocking],
        }


def load_baseline(path: Path) -> set[str]:
    """Fingerprints of the failed issues of a previous report.json."""
    try:
        return {i.fingerprint for i in read_report(path, role="baseline").accessibility.issues}
    except MalformedReport as exc:
        raise BadBaseline(str(exc)) from None


def at_or_above(impact: str | None, fail_on: str) -> bool:
    """Is an issue of `impact` at or above the threshold? An issue without an impact counts as
    moderate, as everywhere in the reports."""
    if fail_on == "none":
        return False
    rank = IMPACT_LEVELS.index(impact) if impact in IMPACT_LEVELS else IMPACT_LEVELS.index("moderate")
    return rank <= IMPACT_LEVELS.index(fail_on)


def evaluate(
    report: Report, fail_on: str, baseline: set[str] | None = None, baseline_name: str | None = None
) -> GateResult:
    """Only WCAG failures gate: best-practice findings gate only when asked (`LEVEL+best-practice`),
    and needs-review items never fail a build (needs-review is for a person, not a pass or a fail)."""
    if not valid_fail_on(fail_on):
        raise ValueError(
            f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)} (optionally with {BEST_PRACTICE_SUFFIX}), "
            f"not {fail_on!r}"
        )
    level = fail_on.removesuffix(BEST_PRACTICE_SUFFIX)
    with_best_practice = fail_on.endswith(BEST_PRACTICE_SUFFIX)
    over = [
        i for i in report.accessibility.issues if (i.is_wcag or with_best_practice) and at_or_above(i.impact, level)
    ]
    known = [i for i in over if baseline is not None and i.fingerprint in baseline]
    blocking = tuple(i for i in over if i not in known)
    return GateResult(fail_on, bool(blocking), blocking, len(known), baseline_name)
