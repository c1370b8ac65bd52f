"""`Store`: one database and its repositories, the one object the application layer holds.

Each repository (`store.runs`, `store.visits`, …) is a set of related queries over the store's
engine and unit of work (`transaction`, `atomic`); callers name the repository they use
(`store.visits.record(…)`).
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from storage.database import Database
from storage.engine import DEFAULT_URL
from storage.nightly import BatchStore
from storage.repositories.answers import AnswerRepository
from storage.repositories.audits import AuditRepository
from storage.repositories.findings import FindingRepository
from storage.repositories.indicators import IndicatorRepository
from storage.repositories.reviews import ReviewRepository
from storage.repositories.runs import FINISHED_STATUSES, RunRepository
from storage.repositories.sites import SiteRepository
from storage.repositories.users import UserRepository
from storage.repositories.visits import VisitRepository

__all__ = ["FINISHED_STATUSES", "Store"]


class Store(Database):
    """Repositories over one database. Use as a context manager, or call `close()`.

    >>> with Store("sqlite:///govaudit.db") as store:
    ...     store.upgrade()
    ...     site_id = store.registry.ensure(cfg)
    """

    def __init__(self, url: str | URL = DEFAULT_URL, *, engine: Engine | None = None) -> None:
        super().__init__(url, engine=engine)
        self.registry = SiteRepository(self)
        self.runs = RunRepository(self)
        self.visits = VisitRepository(self)
        self.audits = AuditRepository(self)
        self.findings = FindingRepository(self)
        self.answers = AnswerRepository(self)
        self.reviews = ReviewRepository(self)
        self.users = UserRepository(self)
        self.indicators = IndicatorRepository(self)
        self.batches = BatchStore(self)
