"""Country dashboard: the latest completed run of every registered site of a country, with its
suggested answers and their evidence, its accessibility summary, and what changed since that site's
previous run. Read from the store only: `govaudit report --country ISO3` crawls nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reports.history import Changes, changes, earlier_run_ids, earlier_runs
from reports.model import build_report
from reports.render import ENV
from reports.serial import to_json
from reports.types import OMIT_EMPTY, Answer, Issue, Summary, TrendPoint
from storage import Store
from storage.status import RunStatus

TREND_RUNS = 5  # per site: a country has several sites
TOP_ISSUES = 5


@dataclass(frozen=True, slots=True)
class TopIssue:
    """One of a site's most pressing accessibility issues, as the dashboard lists it."""

    rule_id: str
    impact: str | None
    wcag: tuple[str, ...]
    pages: tuple[str, ...]
    occurrences: int
    help_url: str
    title: str

    @classmethod
    def of(cls, i: Issue) -> TopIssue:
        return cls(i.rule_id, i.impact, i.wcag, i.pages, i.occurrences, i.help_url, i.help.title)


@dataclass(frozen=True, slots=True)
class SiteEntry:
    """One site of the dashboard; a site never assessed has no run, summary or changes."""

    site_id: int
    name: str
    kind: str
    start_urls: tuple[str, ...]
    run_id: int | None = None
    finished_at: str | None = field(default=None, metadata={OMIT_EMPTY: True})
    summary: Summary | None = None
    history: tuple[TrendPoint, ...] = field(default=(), metadata={OMIT_EMPTY: True})
    top_issues: tuple[TopIssue, ...] = ()
    answers: tuple[Answer, ...] = ()
    changes: Changes | None = None


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every registered site of one country, each at its latest completed run."""

    country: str
    generated_at: str
    sites: tuple[SiteEntry, ...]


def site_entry(store: Store, site_id: int, name: str, kind: str, start_urls: tuple[str, ...]) -> SiteEntry:
    entry = SiteEntry(site_id, name, kind, start_urls)
    run_id = store.runs.latest_id(name, status=RunStatus.COMPLETED)
    if run_id is None:
        return entry
    run = store.runs.load(run_id)
    report = build_report(run, earlier_runs(store, run, TREND_RUNS))
    previous_ids = earlier_run_ids(store, site_id, run_id, limit=1)
    previous = build_report(store.runs.load(previous_ids[-1])) if previous_ids else None
    return SiteEntry(
        site_id,
        name,
        kind,
        start_urls,
        run_id=run_id,
        finished_at=report.run.finished_at,
        summary=report.summary,
        history=report.history,
        top_issues=tuple(TopIssue.of(i) for i in report.accessibility.issues[:TOP_ISSUES]),
        answers=report.answers,
        changes=changes(report, previous),
    )


def build_dashboard(store: Store, country: str) -> Dashboard:
    country = country.upper()
    return Dashboard(
        country=country,
        generated_at=datetime.now(UTC).isoformat(),
        sites=tuple(
            site_entry(store, s.id, s.name, str(s.config.kind), tuple(s.config.start_urls))
            for s in store.registry.find(country=country)
        ),
    )


def render_dashboard(dashboard: Dashboard) -> str:
    trends = {site.site_id: [(f"run {h.run_id}", h.score) for h in site.history] for site in dashboard.sites}
    return ENV.get_template("dashboard.html.j2").render(d=dashboard, site_trend=trends)


def write_dashboard(dashboard: Dashboard, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": out_dir / "dashboard.html", "json": out_dir / "dashboard.json"}
    paths["html"].write_text(render_dashboard(dashboard), encoding="utf-8")
    paths["json"].write_text(to_json(dashboard), encoding="utf-8")
    return paths
