"""Earlier runs of a site, read back through the store: the trend chart of a report and the "changes
since the previous run" of the country dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from reports.serial import MalformedReport, from_plain, to_object
from reports.types import Issue, Report, TrendPoint
from storage import Store
from storage.records import RunRecord
from storage.status import RunStatus

TREND_RUNS = 10  # earlier runs drawn in the trend chart


def earlier_run_ids(store: Store, site_id: int, before_run: int, limit: int = TREND_RUNS) -> list[int]:
    """Completed runs of the site started before `before_run`, oldest first, at most `limit`."""
    return store.runs.earlier_completed_ids(site_id, before_run, limit)


def run_summary(run: RunRecord) -> TrendPoint:
    """The trend point of one run (the last entry of its report's `history`), without building the
    rest of its report: pages, rules, answers and the issues' details are not needed for a point."""
    from reports.model import trend_point

    return trend_point(run)


def earlier_runs(store: Store, run: RunRecord, limit: int = TREND_RUNS) -> list[TrendPoint]:
    """Trend points of the site's earlier completed runs, oldest first: the point each stored with
    its report (record_trend_point), else, for a run stored before points were, computed from its
    results. Only runs that audited something are drawn: a crawl-only run has no accessibility score."""
    points = [
        _stored(stored) or run_summary(store.runs.load(run_id))
        for run_id, stored in store.runs.earlier_trend_points(run.site.id, run.id, limit)
    ]
    return [p for p in points if p.pages_audited]


def _stored(point: dict[str, object] | None) -> TrendPoint | None:
    if point is None:
        return None
    try:
        return from_plain(TrendPoint, point)
    except MalformedReport:  # written by another version: computed again
        return None


def record_trend_point(store: Store, run: RunRecord) -> TrendPoint | None:
    """Store a completed run's trend point with the run, for the reports of its later runs; the
    point, or None for a run still running or interrupted: it may gain pages (a resume), so its
    point is not final."""
    if run.status != RunStatus.COMPLETED:
        return None
    point = run_summary(run)
    store.runs.set_trend_point(run.id, to_object(point))
    return point


def record_crawl_trend_point(store: Store, run_id: int) -> TrendPoint:
    """Store the point of a completed crawl without reading its pages back (a large site's would all be
    in memory at once): a crawl audits nothing, so its point has no score and is never drawn."""
    started = store.runs.started_at(run_id)
    point = TrendPoint(run_id, started.isoformat() if started else None, None, 0, 0, 0)
    store.runs.set_trend_point(run_id, to_object(point))
    return point


@dataclass(frozen=True, slots=True)
class IssueBrief:
    """An issue named in the gate's verdict and the dashboard's changes."""

    fingerprint: str
    rule_id: str
    impact: str | None
    wcag: tuple[str, ...]
    description: str
    pages: tuple[str, ...]

    @classmethod
    def of(cls, issue: Issue) -> IssueBrief:
        return cls(issue.fingerprint, issue.rule_id, issue.impact, issue.wcag, issue.description, issue.pages)


@dataclass(frozen=True, slots=True)
class AnswerChange:
    instrument: str
    question: str
    title: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the site's previous completed run; `previous_run` None: there is none."""

    previous_run: int | None
    score_before: float | None = None
    score_after: float | None = None
    new_issues: tuple[IssueBrief, ...] = ()
    fixed_issues: tuple[IssueBrief, ...] = ()
    answers_changed: tuple[AnswerChange, ...] = ()

    def plain_override(self) -> dict[str, object] | None:
        """A first run's changes are written as {"previous_run": null} alone."""
        return {"previous_run": None} if self.previous_run is None else None


def changes(current: Report, previous: Report | None) -> Changes:
    """What changed between two reports of the same site: issues new and fixed (by fingerprint),
    score and answers whose suggested value changed."""
    if previous is None:
        return Changes(previous_run=None)
    now = {i.fingerprint: i for i in current.accessibility.issues}
    before = {i.fingerprint: i for i in previous.accessibility.issues}
    old_answers = {(a.instrument, a.question): a for a in previous.answers}
    answers = []
    for a in current.answers:
        old = old_answers.get((a.instrument, a.question))
        if old is not None and (old.value, old.outcome) != (a.value, a.outcome):
            answers.append(AnswerChange(a.instrument, a.question, a.title, old.value, a.value))
    return Changes(
        previous_run=previous.run.id,
        score_before=previous.summary.score,
        score_after=current.summary.score,
        new_issues=tuple(IssueBrief.of(now[f]) for f in now if f not in before),
        fixed_issues=tuple(IssueBrief.of(before[f]) for f in before if f not in now),
        answers_changed=tuple(answers),
    )
