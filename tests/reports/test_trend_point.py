"""A run's trend point (reports.history.run_summary) equals the last `history` entry of its full
report, and is computed without building that report (issue 18: ten earlier runs, each built whole,
to read one point apiece)."""

from __future__ import annotations

import pytest

import reports.model
from reports import build_report
from reports.history import run_summary
from tests.reports import fixtures


def test_trend_point_equals_the_reports_last_history_entry() -> None:
    run = fixtures.run(run_id=11)
    point = run_summary(run)
    assert point == build_report(run)["history"][-1]
    # The fixture has WCAG failures: a point of zeros would pass the comparison above vacuously.
    assert point["run_id"] == 11 and point["issues"] > 0 and point["wcag_failures"] >= point["issues"]
    assert point["pages_audited"] > 0 and point["score"] is not None


def test_trend_point_builds_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_report(*args: object, **kwargs: object) -> None:
        raise AssertionError("run_summary built a whole report")

    monkeypatch.setattr(reports.model, "build_report", no_report)
    assert run_summary(fixtures.run())["pages_audited"] > 0
