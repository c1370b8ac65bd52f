"""A run's trend point is stored with the run and read back for the reports of later runs."""

from __future__ import annotations

import storage
from crawler.site import SiteConfig, SiteKind
from storage import Store

SITE = SiteConfig(name="Trend portal", start_urls=("https://trend.example/",), country="VLD", kind=SiteKind.CITY_PORTAL)
POINT = {"run_id": 0, "started_at": None, "score": 80.5, "issues": 2, "wcag_failures": 5, "pages_audited": 3}


def test_trend_points_of_earlier_completed_runs(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        site_id = store.registry.ensure(SITE)
        before_migration = store.runs.start(site_id, {})  # no point stored: its reader computes one
        store.runs.finish(before_migration, "completed", {})
        stored = store.runs.start(site_id, {})
        store.runs.finish(stored, "completed", {})
        store.runs.set_trend_point(stored, {**POINT, "run_id": stored})
        failed = store.runs.start(site_id, {})
        store.runs.finish(failed, "failed", {}, "boom")
        store.runs.set_trend_point(failed, {**POINT, "run_id": failed})  # not completed: never drawn
        current = store.runs.start(site_id, {})
        points = store.runs.earlier_trend_points(site_id, current, limit=10)
        assert points == [(before_migration, None), (stored, {**POINT, "run_id": stored})]
        assert [run_id for run_id, _ in points] == store.runs.earlier_completed_ids(site_id, current, 10)
        assert store.runs.earlier_trend_points(site_id, current, limit=1) == [(stored, {**POINT, "run_id": stored})]
        assert store.runs.earlier_trend_points(site_id, stored, limit=10) == [(before_migration, None)]


def test_the_migration_goes_down_and_up_on_a_database_with_runs(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        site_id = store.registry.ensure(SITE)
        run_id = store.runs.start(site_id, {})
        store.runs.finish(run_id, "completed", {})
        store.runs.set_trend_point(run_id, POINT)
    storage.downgrade(db_url, "0012_element_screenshots")
    storage.upgrade(db_url)
    with Store(db_url) as store:
        # The run is kept; its point went with the column.
        assert store.runs.earlier_trend_points(site_id, run_id + 1, limit=10) == [(run_id, None)]
