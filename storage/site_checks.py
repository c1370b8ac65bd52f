"""What `govaudit sites verify` found: one append-only row per check, the latest one is the site's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from storage import models
from storage.database import Database
from storage.mapping import Mapper


@dataclass(frozen=True, slots=True)
class SiteCheckResult:
    """A check as the verifier makes it (no id, no site yet)."""

    status: str  # verified | moved | dead
    url: str
    final_url: str = ""
    http_status: int | None = None
    redirects: tuple[str, ...] = ()
    official_domain: bool = False
    parked: bool = False
    language: str = ""
    title: str = ""
    reason: str = ""


_CHECK = Mapper(SiteCheckResult, models.SiteCheckRow)


@dataclass(frozen=True, slots=True)
class SiteCheckRecord:
    site_id: int
    checked_at: datetime
    result: SiteCheckResult = field(repr=False)

    @property
    def status(self) -> str:
        return self.result.status


def _record(row: models.SiteCheckRow) -> SiteCheckRecord:
    return SiteCheckRecord(site_id=row.site_id, checked_at=row.checked_at, result=_CHECK.build(row))


class SiteCheckStore:
    def __init__(self, store: Database) -> None:
        self.store = store

    def record(self, site_id: int, result: SiteCheckResult, checked_at: datetime | None = None) -> None:
        if result.status not in models.SITE_CHECK_STATUSES:
            raise ValueError(f"status must be one of {models.SITE_CHECK_STATUSES}, not {result.status!r}")
        values = {**_CHECK.values(result), "title": result.title[:500]}
        with self.store.transaction() as session:
            session.add(models.SiteCheckRow(site_id=site_id, **values, checked_at=checked_at or models.utcnow()))

    def latest(self, site_ids: list[int] | None = None) -> dict[int, SiteCheckRecord]:
        """The latest check of each site (of the given ones), by site id."""
        newest = select(models.SiteCheckRow.site_id, func.max(models.SiteCheckRow.id).label("id")).group_by(
            models.SiteCheckRow.site_id
        )
        if site_ids is not None:
            newest = newest.where(models.SiteCheckRow.site_id.in_(site_ids))
        ids = newest.subquery()
        stmt = select(models.SiteCheckRow).join(ids, models.SiteCheckRow.id == ids.c.id)
        with self.store.transaction(readonly=True) as session:
            return {row.site_id: _record(row) for row in session.scalars(stmt)}

    def history(self, site_id: int) -> list[SiteCheckRecord]:
        stmt = (
            select(models.SiteCheckRow).where(models.SiteCheckRow.site_id == site_id).order_by(models.SiteCheckRow.id)
        )
        with self.store.transaction(readonly=True) as session:
            return [_record(row) for row in session.scalars(stmt)]
