"""Findings: what a rule concluded, on one page (carried forward with it) or on the whole site."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.findings import Finding
from storage import models
from storage.database import Repository
from storage.mappers import FINDING, finding_values
from storage.sql import columns_of, insert_rows


class FindingRepository(Repository):
    def record(self, run_id: int, findings: Sequence[Finding], visit_id: int | None = None) -> list[int]:
        """Store findings; with `visit_id`, they are that page's own (and carry forward with it)."""
        rows = [finding_values(run_id, f, visit_id) for f in findings]
        with self.db.transaction() as session:
            return insert_rows(session, models.FindingRow, rows)

    def of_visit(self, visit_id: int) -> list[Finding]:
        """The page-level findings recorded for a visit (to carry forward an unchanged page)."""
        finding = models.FindingRow
        return self._read(FINDING, select(finding).where(finding.visit_id == visit_id).order_by(finding.id))

    def of_run_pages(self, run_id: int) -> list[Finding]:
        """Every page-level finding of a run (including those carried from earlier runs)."""
        finding = models.FindingRow
        stmt = select(finding).where(finding.run_id == run_id, finding.visit_id.is_not(None)).order_by(finding.id)
        return self._read(FINDING, stmt)


def known_findings(session: Session, run_id: int, wanted: Sequence[Finding]) -> dict[Finding, int]:
    """Ids of this run's stored findings equal to any of `wanted` (first stored wins)."""
    if not wanted:
        return {}
    finding = models.FindingRow
    rows = session.execute(
        select(*columns_of(finding, "id", *FINDING.columns))
        .where(finding.run_id == run_id, finding.question.in_({f.question for f in wanted}))
        .order_by(finding.id)
    )
    known: dict[Finding, int] = {}
    for row in rows:
        known.setdefault(FINDING.build(row), row.id)
    return known
