"""`Store`: one database and its repositories, the one object the application layer holds.

Each repository (`store.runs`, `store.visits`, …) is a set of related queries over the store's
engine and unit of work (`transaction`, `atomic`). The flat names below (`store.start_run`, …) are
the same methods under the names callers have always used.
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
        self._flat_names()

    def _flat_names(self) -> None:
        """Each flat name is one repository method (bound, so mypy checks callers against it)."""
        self.ensure_site = self.registry.ensure
        self.site_for_start_url = self.registry.for_start_url
        self.remove_site = self.registry.remove
        self.site = self.registry.named
        self.sites = self.registry.find

        self.start_run = self.runs.start
        self.finish_run = self.runs.finish
        self.latest_run_id = self.runs.latest_id
        self.run_site = self.runs.site_of
        self.last_completed_settings = self.runs.last_completed_settings
        self.load_run = self.runs.load

        self.record_visit = self.visits.record
        self.record_visits = self.visits.record_many
        self.mark_rendered = self.visits.mark_rendered
        self.mark_render_failed = self.visits.mark_render_failed
        self.previous_visits = self.visits.previous
        self.visit_links = self.visits.links
        self.visit_summaries = self.visits.summaries
        self.run_snapshots = self.visits.snapshots

        self.record_audit_results = self.audits.record
        self.visit_audits = self.audits.of_visit
        self.record_screenshots = self.audits.record_screenshots
        self.run_screenshots = self.audits.screenshots

        self.record_findings = self.findings.record
        self.page_findings = self.findings.of_visit
        self.run_page_findings = self.findings.of_run_pages

        self.record_answers = self.answers.record
        self.answered_countries = self.answers.answered_countries
        self.country_answers = self.answers.of_country
        self.answer_place = self.answers.place

        self.add_review = self.reviews.add
        self.reviews_for = self.reviews.of_answer

        self.add_user = self.users.add
        self.user_by_name = self.users.named
        self.user = self.users.get
        self.record_login_attempt = self.users.record_login_attempt

        self.save_indicator = self.indicators.save
