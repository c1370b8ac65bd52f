"""Imported, never crawled: each country's TII and HCI per survey edition."""

from __future__ import annotations

from sqlalchemy import select

from storage import models
from storage.database import Repository
from storage.mappers import INDICATOR
from storage.records import IndicatorRecord
from storage.sql import upsert


class IndicatorRepository(Repository):
    def save(self, country: str, edition: str, tii: float | None, hci: float | None, source: str) -> None:
        """Insert or replace a country's imported TII/HCI for an edition (a re-import corrects it)."""
        values = {"tii": tii, "hci": hci, "source": source, "imported_at": models.utcnow()}
        with self.db.transaction() as session:
            stmt = upsert(session, models.IndicatorRow.__table__).values(
                country=country.upper(), edition=edition, **values
            )
            session.execute(stmt.on_conflict_do_update(index_elements=["country", "edition"], set_=values))

    def find(self, edition: str | None = None) -> list[IndicatorRecord]:
        indicator = models.IndicatorRow
        stmt = select(indicator).order_by(indicator.country, indicator.edition)
        if edition is not None:
            stmt = stmt.where(indicator.edition == edition)
        return self._read(INDICATOR, stmt)
