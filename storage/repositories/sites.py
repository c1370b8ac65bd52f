"""The registry of sites: the rows every run, answer and check points at."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Result, func, or_, select

from crawler.site import SiteConfig
from storage import models
from storage.database import Repository
from storage.mappers import SITE, site_record
from storage.records import SiteRecord
from storage.sql import upsert


class SiteRepository(Repository):
    def ensure(self, cfg: SiteConfig, *, registered: bool = True) -> int:
        """Insert the site, or update the site of the same name; return its id. `registered=False`
        keeps a row for the runs without adding the site to the registry (a registered site stays so)."""
        if cfg.country and (len(cfg.country) != 3 or not cfg.country.isalpha()):
            raise ValueError(f"site {cfg.name!r}: country must be ISO 3166 alpha-3, not {cfg.country!r}")
        values = SITE.values(cfg)
        now = models.utcnow()
        with self.db.transaction() as session:
            table = models.SiteRow.__table__
            stmt = upsert(session, table).values(**values, registered=registered, created_at=now, updated_at=now)
            # One statement, so two workers registering the same site cannot both insert.
            stmt = stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={
                    **{k: stmt.excluded[k] for k in values if k != "name"},
                    "registered": or_(table.c.registered, stmt.excluded.registered),
                    "updated_at": now,
                },
            ).returning(table.c.id)
            return int(session.execute(stmt).scalar_one())

    def for_start_url(self, url: str) -> int | None:
        """The site (registered or not) whose first start URL or name is `url`: one entry per start URL."""
        stmt = select(models.SiteRow.id, models.SiteRow.name, models.SiteRow.start_urls).order_by(models.SiteRow.id)
        with self.db.transaction(readonly=True) as session:
            rows: Result[int, str, list[Any]] = session.execute(stmt)
            for site_id, name, starts in rows:
                if name == url or (starts and starts[0] == url):
                    return int(site_id)
        return None

    def remove(self, site_id: int) -> str:
        """Takes the site out of the registry: deleted if no run refers to it, else kept unregistered
        (its runs and their reports stay readable). Returns "deleted" or "unregistered"."""
        with self.db.transaction() as session:
            site = session.get(models.SiteRow, site_id)
            if site is None:
                raise LookupError(f"no site {site_id}")
            runs = session.scalar(select(func.count()).where(models.CrawlRunRow.site_id == site_id))
            checks = session.scalar(select(func.count()).where(models.SiteCheckRow.site_id == site_id))
            if not runs and not checks:
                session.delete(site)
                return "deleted"
            site.registered = False
            return "unregistered"

    def named(self, name: str) -> SiteRecord | None:
        with self.db.transaction(readonly=True) as session:
            row = session.scalars(select(models.SiteRow).where(models.SiteRow.name == name)).one_or_none()
            return site_record(row) if row else None

    def find(
        self, *, country: str | None = None, site_id: int | None = None, registered_only: bool = True
    ) -> list[SiteRecord]:
        """Registered sites (or every site row), optionally only one country's or one id, in id order."""
        stmt = select(models.SiteRow).order_by(models.SiteRow.id)
        if registered_only:
            stmt = stmt.where(models.SiteRow.registered.is_(True))
        if country is not None:
            stmt = stmt.where(models.SiteRow.country == country.upper())
        if site_id is not None:
            stmt = stmt.where(models.SiteRow.id == site_id)
        with self.db.transaction(readonly=True) as session:
            return [site_record(row) for row in session.scalars(stmt)]
