"""Audit results of each visit, and the screenshots behind them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from audits.result import PAGE_VIEW, AuditResult, ElementShot
from storage import models
from storage.database import Repository
from storage.mappers import AUDIT, SHOT
from storage.sql import insert_rows


class AuditRepository(Repository):
    def record(self, visit_id: int, results: Sequence[AuditResult]) -> list[int]:
        rows = [
            {"visit_id": visit_id, "fingerprint": r.fingerprint(r.nodes[0] if r.nodes else None), **AUDIT.values(r)}
            for r in results
        ]
        with self.db.transaction() as session:
            return insert_rows(session, models.AuditResultRow, rows)

    def of_visit(self, visit_id: int) -> list[AuditResult]:
        result = models.AuditResultRow
        return self._read(AUDIT, select(result).where(result.visit_id == visit_id).order_by(result.id))

    def record_screenshots(self, visit_id: int, shots: Sequence[ElementShot]) -> None:
        if not shots:
            return
        with self.db.transaction() as session:
            session.add_all(models.ElementScreenshotRow(visit_id=visit_id, **SHOT.values(shot)) for shot in shots)

    def screenshots(self, run_id: int, *, page_views_of: Sequence[str] | None = None) -> list[ElementShot]:
        """The screenshots behind a run's results: its own visits', and for a page carried forward
        unchanged, those of the visit whose results it carries. With `page_views_of`, only the views
        of those pages (the evidence of a suggested answer)."""
        visit, shot = models.PageVisitRow, models.ElementScreenshotRow
        with self.db.transaction(readonly=True) as session:
            visits = session.execute(select(visit.id, visit.carried_from_id).where(visit.run_id == run_id)).all()
            ids = {carried or own for own, carried in visits}
            query = select(shot).where(shot.visit_id.in_(ids))
            if page_views_of is not None:
                query = query.where(shot.selector == PAGE_VIEW, shot.page_url.in_(list(page_views_of)))
            return [SHOT.build(r) for r in session.scalars(query.order_by(shot.id))]
