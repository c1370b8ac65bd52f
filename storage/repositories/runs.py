"""Runs: one crawl or assessment of one site, from start to its finishing status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select, update

from storage import models
from storage.database import Repository
from storage.mappers import SITE
from storage.records import RunRecord, RunSite
from storage.repositories.run_record import read_run
from storage.sql import rowcount
from storage.status import RunStatus

FINISHED_STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.INTERRUPTED)


class RunRepository(Repository):
    def start(self, site_id: int, settings: Mapping[str, Any], as_of: date | None = None) -> int:
        with self.db.transaction() as session:
            run = models.CrawlRunRow(
                site_id=site_id, status=RunStatus.RUNNING, settings=dict(settings), stats={}, error="", as_of=as_of
            )
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int, status: RunStatus, stats: Mapping[str, Any], error: str = "") -> None:
        """Close a running run as completed or failed. A run is finished once."""
        if status not in FINISHED_STATUSES:
            raise ValueError(f"a run finishes as one of {FINISHED_STATUSES}, not {status!r}")
        with self.db.transaction() as session:
            result = session.execute(
                update(models.CrawlRunRow)
                .where(models.CrawlRunRow.id == run_id, models.CrawlRunRow.status == RunStatus.RUNNING)
                .values(status=status, stats=dict(stats), error=error, finished_at=models.utcnow())
            )
            if rowcount(result) != 1:
                run = session.get(models.CrawlRunRow, run_id)
                if run is None:
                    raise LookupError(f"no run {run_id}")
                raise ValueError(f"run {run_id} is already {run.status}")

    def latest_id(self, site_name: str, status: RunStatus | None = None) -> int | None:
        """The most recently started run of the site (optionally only runs with `status`)."""
        run = models.CrawlRunRow
        stmt = (
            select(run.id)
            .join(models.SiteRow, models.SiteRow.id == run.site_id)
            .where(models.SiteRow.name == site_name)
            .order_by(run.started_at.desc(), run.id.desc())
            .limit(1)
        )
        if status is not None:
            stmt = stmt.where(run.status == status)
        with self.db.transaction(readonly=True) as session:
            return session.scalars(stmt).first()

    def load(self, run_id: int) -> RunRecord:
        """Everything a run produced, in insertion order, as detached records."""
        with self.db.transaction(readonly=True) as session:
            return read_run(session, run_id)

    def site_of(self, run_id: int) -> RunSite:
        """The site of a run and the run's status: what `crawl --resume` starts from."""
        with self.db.transaction(readonly=True) as session:
            run = session.get(models.CrawlRunRow, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            site = session.get_one(models.SiteRow, run.site_id)
            return RunSite(site_id=site.id, site=SITE.build(site), status=RunStatus(run.status))

    def settings(self, run_id: int) -> dict[str, Any]:
        """The settings a run was started with (its mode, page budget, sample …)."""
        with self.db.transaction(readonly=True) as session:
            found = session.scalar(select(models.CrawlRunRow.settings).where(models.CrawlRunRow.id == run_id))
            return dict(found or {})

    def set_settings(self, run_id: int, settings: Mapping[str, Any]) -> None:
        with self.db.transaction() as session:
            run = models.CrawlRunRow
            session.execute(update(run).where(run.id == run_id).values(settings=dict(settings)))

    def last_completed_settings(self, site_id: int, before_run: int | None = None) -> dict[str, Any] | None:
        """The settings of the site's latest completed run (the one `previous_visits` reads), or None."""
        with self.db.transaction(readonly=True) as session:
            found: dict[str, Any] | None = session.scalars(
                last_completed(select(models.CrawlRunRow.settings), site_id, before_run)
            ).first()
            return dict(found) if found is not None else None

    def started_at(self, run_id: int) -> datetime | None:
        with self.db.transaction(readonly=True) as session:
            return session.scalar(select(models.CrawlRunRow.started_at).where(models.CrawlRunRow.id == run_id))

    def set_trend_point(self, run_id: int, point: Mapping[str, Any]) -> None:
        """Store the run's trend point (written as the run completes; read back by earlier_trend_points)."""
        with self.db.transaction() as session:
            run = models.CrawlRunRow
            session.execute(update(run).where(run.id == run_id).values(trend_point=dict(point)))

    def earlier_trend_points(
        self, site_id: int, before_run: int, limit: int
    ) -> list[tuple[int, dict[str, Any] | None]]:
        """(run id, stored trend point or None) of the site's completed runs started before
        `before_run`, oldest first, at most `limit`: the runs earlier_completed_ids lists."""
        run = models.CrawlRunRow
        stmt = (
            select(run.id, run.trend_point)
            .where(run.site_id == site_id, run.id < before_run, run.status == RunStatus.COMPLETED)
            .order_by(run.id.desc())
            .limit(limit)
        )
        with self.db.transaction(readonly=True) as session:
            rows = [(row.id, dict(row.trend_point) if row.trend_point else None) for row in session.execute(stmt)]
        return sorted(rows, key=lambda row: row[0])

    def earlier_completed_ids(self, site_id: int, before_run: int, limit: int) -> list[int]:
        """Completed runs of the site started before `before_run`, oldest first, at most `limit`."""
        run = models.CrawlRunRow
        stmt = (
            select(run.id)
            .where(run.site_id == site_id, run.id < before_run, run.status == RunStatus.COMPLETED)
            .order_by(run.id.desc())
            .limit(limit)
        )
        with self.db.transaction(readonly=True) as session:
            return sorted(session.scalars(stmt))


def last_completed(stmt: Select[Any], site_id: int, before_run: int | None) -> Select[Any]:
    """`stmt` narrowed to the site's latest completed run (before `before_run`)."""
    run = models.CrawlRunRow
    stmt = stmt.where(run.site_id == site_id, run.status == RunStatus.COMPLETED)
    if before_run is not None:
        stmt = stmt.where(run.id < before_run)
    return stmt.order_by(run.started_at.desc(), run.id.desc()).limit(1)
