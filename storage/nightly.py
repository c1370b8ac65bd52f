"""Nightly batches: what `govaudit nightly` enqueued and how each site ended.

The batches repository (`Store.batches`): only the distributed mode uses these tables. The Celery
task writes its own item's state, so the summary is right whichever worker ran (or re-ran) a site.
Pages are counted from `page_visits` when asked, not copied, so a resumed run is counted whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Result, func, select, update

from storage import models
from storage.database import Database, Repository
from storage.repositories.runs import RunRepository
from storage.status import BatchItemState, RunStatus

FINISHED = (BatchItemState.DONE, BatchItemState.FAILED)


@dataclass(frozen=True, slots=True)
class UnfinishedRun:
    run_id: int
    mode: str  # crawl | assess


@dataclass(frozen=True, slots=True)
class BatchItem:
    site_id: int
    site_name: str
    run_id: int
    state: BatchItemState
    reason: str
    attempts: int
    pages: int
    seconds: float | None


@dataclass(frozen=True, slots=True)
class BatchSummary:
    batch_id: int
    mode: str
    trigger: str
    created_at: datetime
    finished_at: datetime | None  # None while a site is still queued or running
    items: tuple[BatchItem, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(models.BATCH_ITEM_STATES, 0)
        for item in self.items:
            counts[item.state] += 1
        return counts

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def pages(self) -> int:
        return sum(item.pages for item in self.items)

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.created_at).total_seconds() if self.finished_at else None

    @property
    def failures(self) -> list[tuple[str, str]]:
        return [(item.site_name, item.reason) for item in self.items if item.state == BatchItemState.FAILED]

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "mode": self.mode,
            "trigger": self.trigger,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "seconds": self.seconds,
            "sites": len(self.items),
            "counts": self.counts,
            "pages": self.pages,
            "failures": [{"site": name, "reason": reason} for name, reason in self.failures],
            "items": [
                {
                    "site_id": i.site_id,
                    "site": i.site_name,
                    "run_id": i.run_id,
                    "state": i.state,
                    "reason": i.reason,
                    "attempts": i.attempts,
                    "pages": i.pages,
                    "seconds": i.seconds,
                }
                for i in self.items
            ],
        }


class BatchStore(Repository):
    """The nightly tables, over one database's engine and transactions."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._runs = RunRepository(db)

    def create(self, mode: str, trigger: str = "cli") -> int:
        with self.db.transaction() as session:
            batch = models.NightlyBatchRow(mode=mode, trigger=trigger, created_at=models.utcnow())
            session.add(batch)
            session.flush()
            return batch.id

    def latest(self) -> int | None:
        with self.db.transaction(readonly=True) as session:
            return session.scalar(select(func.max(models.NightlyBatchRow.id)))

    def add_item(self, batch_id: int, site_id: int, run_id: int) -> None:
        with self.db.transaction() as session:
            session.add(
                models.NightlyItemRow(batch_id=batch_id, site_id=site_id, run_id=run_id, state=BatchItemState.QUEUED)
            )

    def unfinished_run(self, site_id: int) -> UnfinishedRun | None:
        """The site's latest run that a nightly task owns and that is still running:
        an earlier night's task that is queued or was interrupted. Enqueueing it again resumes it
        rather than starting a second run beside it. Runs started from the CLI are never taken."""
        run, item = models.CrawlRunRow, models.NightlyItemRow
        stmt = (
            select(run.id, run.settings)
            .join(item, item.run_id == run.id)
            .where(run.site_id == site_id, run.status == RunStatus.RUNNING)
            .order_by(run.id.desc())
            .limit(1)
        )
        with self.db.transaction(readonly=True) as session:
            row = session.execute(stmt).first()
            return UnfinishedRun(int(row[0]), str((row[1] or {}).get("mode", "crawl"))) if row else None

    def set_run_settings(self, run_id: int, settings: Mapping[str, Any]) -> None:
        """A queued run is created with the little the enqueuer knows; the worker that first runs it
        writes the full settings (engine versions, browser) the reports read."""
        self._runs.set_settings(run_id, settings)

    def run_settings(self, run_id: int) -> dict[str, Any]:
        return self._runs.settings(run_id)

    def mark_running(self, batch_id: int, site_id: int, run_id: int) -> None:
        item = models.NightlyItemRow
        now = models.utcnow()
        with self.db.transaction() as session:
            session.execute(
                update(item)
                .where(item.batch_id == batch_id, item.site_id == site_id)
                .values(
                    state=BatchItemState.RUNNING,
                    run_id=run_id,
                    attempts=item.attempts + 1,
                    started_at=func.coalesce(item.started_at, now),
                )
            )

    def mark_finished(self, batch_id: int, site_id: int, run_id: int, state: BatchItemState, reason: str = "") -> None:
        if state not in FINISHED:
            raise ValueError(f"an item finishes as one of {FINISHED}, not {state!r}")
        item = models.NightlyItemRow
        with self.db.transaction() as session:
            session.execute(
                update(item)
                .where(item.batch_id == batch_id, item.site_id == site_id)
                .values(state=state, run_id=run_id, reason=reason, finished_at=models.utcnow())
            )

    def summary(self, batch_id: int) -> BatchSummary:
        item, site, visit = models.NightlyItemRow, models.SiteRow, models.PageVisitRow
        pages = (
            select(visit.run_id, func.count().label("n"))
            .where(visit.run_id.in_(select(item.run_id).where(item.batch_id == batch_id)))
            .group_by(visit.run_id)
            .subquery()
        )
        stmt = (
            select(item, site.name, func.coalesce(pages.c.n, 0))
            .join(site, site.id == item.site_id)
            .outerjoin(pages, pages.c.run_id == item.run_id)
            .where(item.batch_id == batch_id)
            .order_by(item.id)
        )
        with self.db.transaction(readonly=True) as session:
            batch = session.get(models.NightlyBatchRow, batch_id)
            if batch is None:
                raise LookupError(f"no nightly batch {batch_id}")
            rows: Result[models.NightlyItemRow, str, int] = session.execute(stmt)
            items = tuple(_item(row, name, int(count)) for row, name, count in rows)
            ends = [row.finished_at for row in session.scalars(select(item).where(item.batch_id == batch_id))]
        done = all(i.state in FINISHED for i in items)  # an empty batch is finished when made
        finished_at = max((e for e in ends if e is not None), default=batch.created_at) if done else None
        return BatchSummary(batch.id, batch.mode, batch.trigger, batch.created_at, finished_at, items)


def _item(row: models.NightlyItemRow, site_name: str, pages: int) -> BatchItem:
    seconds = (row.finished_at - row.started_at).total_seconds() if row.finished_at and row.started_at else None
    return BatchItem(
        row.site_id, site_name, row.run_id, BatchItemState(row.state), row.reason, row.attempts, pages, seconds
    )
