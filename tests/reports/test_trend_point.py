"""A run's trend point (reports.history.run_summary) equals the last `history` entry of its full
report, and is computed without building that report (issue 18: ten earlier runs, each built whole,
to read one point apiece). A completed run's point is stored with it (record_trend_point), and the
reports of later runs read it from the store instead of loading the run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import reports.model
from reports import build_report
from reports.history import earlier_runs, record_crawl_trend_point, record_trend_point, run_summary
from reports.types import TrendPoint
from storage import Store
from storage.records import RunRecord
from tests.reports import fixtures


def test_trend_point_equals_the_reports_last_history_entry() -> None:
    run = fixtures.run(run_id=11)
    point = run_summary(run)
    assert point == build_report(run).history[-1]
    # The fixture has WCAG failures: a point of zeros would pass the comparison above vacuously.
    assert point.run_id == 11 and point.issues > 0 and point.wcag_failures >= point.issues
    assert point.pages_audited > 0 and point.score is not None


def test_trend_point_builds_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_report(*args: object, **kwargs: object) -> None:
        raise AssertionError("run_summary built a whole report")

    monkeypatch.setattr(reports.model, "build_report", no_report)
    assert run_summary(fixtures.run()).pages_audited > 0


def _runs(store: Store, statuses: tuple[str, ...]) -> list[int]:
    site_id = store.registry.ensure(fixtures.run().site.config)
    ids = []
    for status in statuses:
        ids.append(store.runs.start(site_id, {}))
        if status != "running":
            store.runs.finish(ids[-1], status, {})
    return ids


def _as_stored(run: RunRecord, run_id: int, site_id: int) -> RunRecord:
    return dataclasses.replace(run, id=run_id, site=dataclasses.replace(run.site, id=site_id))


def test_stored_points_are_read_without_loading_the_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(f"sqlite:///{tmp_path}/trend.db") as store:
        store.upgrade()
        first, second, interrupted, current = _runs(store, ("completed", "completed", "interrupted", "running"))
        site_id = store.runs.load(current).site.id
        built = {}
        for run_id in (first, second, interrupted):
            run = _as_stored(fixtures.run(), run_id, site_id)
            if run_id == interrupted:
                run = dataclasses.replace(run, status="interrupted")
            built[run_id] = build_report(run)
            recorded = record_trend_point(store, run)
            assert recorded == (None if run_id == interrupted else built[run_id].history[-1])
        # An interrupted run may be resumed and gain pages: its point is not stored.
        assert [p for _, p in store.runs.earlier_trend_points(site_id, current + 1, 10)] == [
            {**dataclasses.asdict(built[first].history[-1])},
            {**dataclasses.asdict(built[second].history[-1])},
        ]
        current_run = store.runs.load(current)

        def no_load(run_id: int) -> RunRecord:
            raise AssertionError(f"run {run_id} was loaded for its trend point")

        monkeypatch.setattr(store.runs, "load", no_load)
        points = earlier_runs(store, current_run)
        assert points == [built[first].history[-1], built[second].history[-1]]
        assert all(isinstance(p, TrendPoint) for p in points)


def test_a_run_without_a_stored_point_is_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run stored before migration 0014 has no point: it is computed from the run, as before."""
    with Store(f"sqlite:///{tmp_path}/trend.db") as store:
        store.upgrade()
        old, current = _runs(store, ("completed", "running"))
        current_run = store.runs.load(current)
        stored_run = _as_stored(fixtures.run(), old, current_run.site.id)
        monkeypatch.setattr(store.runs, "load", lambda run_id: stored_run if run_id == old else None)
        assert earlier_runs(store, current_run) == [run_summary(stored_run)]
        assert earlier_runs(store, current_run)[0].issues > 0


def test_a_crawls_point_is_stored_without_reading_its_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawl audits nothing: its point (no score, never drawn) is what run_summary computes from the
    whole run, written without loading the run, which for a large crawl held every page in memory
    (bench/crawl_memory.py; figures in bench/RESULTS.md)."""
    with Store(f"sqlite:///{tmp_path}/trend.db") as store:
        store.upgrade()
        [crawl] = _runs(store, ("completed",))
        expected = run_summary(store.runs.load(crawl))
        assert expected.pages_audited == 0 and expected.score is None and expected.started_at

        def no_load(run_id: int) -> RunRecord:
            raise AssertionError(f"run {run_id} was loaded for its trend point")

        monkeypatch.setattr(store.runs, "load", no_load)
        assert record_crawl_trend_point(store, crawl) == expected
        [(_, stored)] = store.runs.earlier_trend_points(store.runs.site_of(crawl).site_id, crawl + 1, 10)
        assert stored == dataclasses.asdict(expected)
