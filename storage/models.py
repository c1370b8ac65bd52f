"""SQLAlchemy models. Portable across SQLite and PostgreSQL: generic types only, JSON as `sa.JSON`.

Each class is named after its table's record with a `Row` suffix (`FindingRow` persists a
`rules.findings.Finding`), so a database row and the domain value it maps to never share a name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.status import BatchItemState, RunStatus

# Free-form text from other layers (rule ids, question codes, versions) is Text, not VARCHAR(n):
# PostgreSQL enforces lengths and SQLite does not, and a row must not fail on one backend only.

# Deterministic constraint names, so that migrations can refer to them on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = tuple(s.value for s in RunStatus)  # values, not members: the CHECK constraint writes them
ROLES = ("assessor", "reviewer", "admin")
DECISIONS = ("accept", "reject", "override")
FRONTIER_STATES = ("pending", "claimed", "done")
OUTCOMES = ("passed", "failed", "needs_review", "inapplicable", "not_tested", "error")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back the session's zone.
    Normalising here means callers compare and sort datetimes without caring about the backend.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to storage; pass an aware one (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(table: str, column: str, values: tuple[str, ...]) -> CheckConstraint:
    """`column` holds one of `values`. Named as the released revisions named it (storage/migrations/tables.py):
    the naming convention adds ck_<table>_ to a name that has it already, so every database holds
    ck_<table>_ck_<table>_<column>, and one made from these models in one step (storage/migrate.py) matches."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=f"ck_{table}_{column}")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class SiteRow(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    country: Mapped[str] = mapped_column(String(3), index=True)  # ISO 3166 alpha-3, "" if unknown
    kind: Mapped[str] = mapped_column(Text)
    start_urls: Mapped[list[Any]]
    domains: Mapped[list[Any]]
    languages: Mapped[list[Any]]
    max_pages: Mapped[int]
    max_depth: Mapped[int]
    # Not in the registry brief, but SiteConfig carries them and a run must be reproducible.
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict[str, Any]]
    # In the registry (sites list, assess --country, nightly); a site `audit` ran without --register is not.
    registered: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrawlRunRow(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (
        _one_of("crawl_runs", "status", RUN_STATUSES),
        Index("ix_crawl_runs_site_started", "site_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING.value)
    settings: Mapped[dict[str, Any]]
    stats: Mapped[dict[str, Any]]
    error: Mapped[str] = mapped_column(Text, default="")
    # The day time-relative rules judged against (`--as-of`, default the day the run started).
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    # How far an assessment got (crawl → audit → conclude), so a resume redoes only what is left.
    stage: Mapped[str] = mapped_column(String(16), default="crawl", server_default="crawl")
    # The process working on the run, until when: a second process resuming it is refused until the
    # lease expires (a killed holder stops renewing it).
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]
    # The last audit result recorded when the crawl ended: what a resumed audit stage redoes is after it.
    audit_mark: Mapped[int | None] = mapped_column(Integer)
    # The run's point on its site's trend chart (reports.types.TrendPoint), stored with its report.
    trend_point: Mapped[dict[str, Any] | None]


class PageRow(Base):
    """A URL of a site, shared by every run that visits it (so pages can be compared over time)."""

    __tablename__ = "pages"
    # Unique on a hash, not on the URL: PostgreSQL b-tree entries are capped at ~2.7 kB and
    # government URLs with session tokens and query strings can be longer.
    __table_args__ = (UniqueConstraint("site_id", "url_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of url


class PageVisitRow(Base):
    __tablename__ = "page_visits"
    __table_args__ = (UniqueConstraint("run_id", "page_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    depth: Mapped[int]
    status: Mapped[str] = mapped_column(String(32))
    status_code: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    final_url: Mapped[str] = mapped_column(Text)
    redirect_chain: Mapped[list[Any]]
    content_type: Mapped[str] = mapped_column(Text, default="")
    content_length: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(Text, default="", index=True)
    fetch_ms: Mapped[float] = mapped_column(Float, default=0.0)
    render_ms: Mapped[float] = mapped_column(Float, default=0.0)
    rendered: Mapped[bool] = mapped_column(Boolean, default=False)  # a browser produced the DOM
    render_reason: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    via: Mapped[str] = mapped_column(Text, default="link")  # start, link, sitemap, trap
    # The page as the rules read it (links, forms, text …, no markup): lets a later run that finds
    # the page unchanged, or a resumed run, rebuild the snapshot without fetching it again.
    digest: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Unchanged since this visit: its audit results and page findings stand for this one.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("page_visits.id"), nullable=True)
    # A page carried forward without a request keeps the time of the last request that showed its
    # content; null when this visit made its own request (then `fetched_at` is that time).
    confirmed_at: Mapped[datetime | None]
    # The stylesheets and scripts the rendered page loaded, URL → sha256 of the body ("" when it
    # could not be fetched); null when not rendered. Carried visits copy the values they carry.
    assets: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)

    page: Mapped[PageRow] = relationship(lazy="joined", innerjoin=True)


class FrontierEntryRow(Base):
    """A URL a run still has to fetch (or has fetched): the crawl's persistent frontier."""

    __tablename__ = "frontier_entries"
    __table_args__ = (
        UniqueConstraint("run_id", "url_hash"),
        _one_of("frontier_entries", "state", FRONTIER_STATES),
        Index("ix_frontier_entries_claim", "run_id", "state", "depth", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the crawler's url_key
    depth: Mapped[int]
    referrer: Mapped[str | None] = mapped_column(Text, nullable=True)
    via: Mapped[str] = mapped_column(Text, default="link")
    hops: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    claimed_at: Mapped[datetime | None]


class AuditResultRow(Base):
    __tablename__ = "audit_results"
    __table_args__ = (_one_of("audit_results", "outcome", OUTCOMES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("page_visits.id", ondelete="CASCADE"), index=True)
    # The URL the audit saw (usually the visit's final URL); kept so results round-trip exactly.
    page_url: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(Text)
    engine_version: Mapped[str] = mapped_column(Text)
    rule_id: Mapped[str] = mapped_column(Text, index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    wcag: Mapped[list[Any]]
    is_wcag: Mapped[bool] = mapped_column(Boolean)
    impact: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    help_url: Mapped[str] = mapped_column(Text, default="")
    nodes: Mapped[list[Any]]  # [{selector, html, message}]
    reason: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_run_question", "run_id", "instrument", "question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(Text)
    rule_version: Mapped[str] = mapped_column(Text)
    instrument: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]]  # [{url, selector, quote, language, depth}]
    note: Mapped[str] = mapped_column(Text, default="")
    # Set for page-level findings, so that an unchanged page's findings carry into a later run.
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_visits.id", ondelete="CASCADE"), nullable=True, index=True
    )


class AnswerFindingRow(Base):
    """Which findings an answer rests on, in the order the decider gave them."""

    __tablename__ = "answer_findings"

    answer_id: Mapped[int] = mapped_column(ForeignKey("suggested_answers.id", ondelete="CASCADE"), primary_key=True)
    # Keyed by position, not finding: a decider may cite the same finding twice, and the answer
    # must read back exactly as it was given.
    position: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)


class SuggestedAnswerRow(Base):
    """Never updated: a later run adds a new row, so human decisions keep pointing at what they saw."""

    __tablename__ = "suggested_answers"
    __table_args__ = (
        _one_of("suggested_answers", "outcome", OUTCOMES),
        Index("ix_suggested_answers_site_question", "site_id", "instrument", "edition", "question"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No cascade from runs: answers may carry reviews, which must outlive any clean-up of crawl data.
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    instrument: Mapped[str] = mapped_column(Text)
    edition: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (_one_of("users", "role", ROLES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    countries: Mapped[list[Any]]  # ISO3 codes the user may assess; empty = none
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewRow(Base):
    """Append-only: triggers in the database refuse UPDATE and DELETE (`_REVIEWS_APPEND_ONLY` below)."""

    __tablename__ = "reviews"
    __table_args__ = (
        _one_of("reviews", "role", ROLES),
        _one_of("reviews", "decision", DECISIONS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("suggested_answers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # the role the user acted in at the time
    decision: Mapped[str] = mapped_column(String(16))
    final_value: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[UserRow] = relationship(lazy="joined", innerjoin=True)


class AppendOnlyError(Exception):
    """A review was about to be changed or deleted; reviews are an audit trail."""


# Reviews are the assessors' audit trail: the database itself refuses to change or delete one, so that no
# code path (an admin script, a raw UPDATE) can rewrite history. The statements of revision 0001, word for
# word, for a database made from these models in one step (storage/migrate.py; tests/storage/test_migrations.py
# compares both databases, triggers included).
_APPEND_ONLY_MESSAGE = "reviews are append-only"
_REVIEWS_APPEND_ONLY = {
    "postgresql": (
        "CREATE FUNCTION reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{_APPEND_ONLY_MESSAGE}'; END $$",
        "CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews "
        "FOR EACH ROW EXECUTE FUNCTION reviews_append_only()",
    ),
    "sqlite": tuple(
        f"CREATE TRIGGER reviews_no_{action.lower()} BEFORE {action} ON reviews "
        f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_MESSAGE}'); END"
        for action in ("UPDATE", "DELETE")
    ),
}


@event.listens_for(ReviewRow.__table__, "after_create")
def _install_append_only_triggers(_table: Any, connection: Connection, **_: Any) -> None:
    for statement in _REVIEWS_APPEND_ONLY.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(ReviewRow, "before_update")
@event.listens_for(ReviewRow, "before_delete")
def _refuse_review_change(_mapper: Any, _connection: Any, target: ReviewRow) -> None:
    # The database triggers catch raw SQL too; this catches ORM code before it reaches them.
    raise AppendOnlyError(f"review {target.id} is append-only")


class WebSessionRow(Base):
    """A signed-in browser: the cookie carries a random token, this row its hash. Logout and a
    password change revoke the rows, so a copied cookie stops working at once."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttemptRow(Base):
    """One try at signing in to the web app: the rate limiter counts recent failures per name and
    per address. Kept in the database, not in memory, so every web worker sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "name", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorRow(Base):
    """Imported, never crawled: the ITU/UNESCO-based TII and HCI of a country for one edition."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("country", "edition"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    edition: Mapped[str] = mapped_column(Text)
    tii: Mapped[float | None] = mapped_column(Float, nullable=True)
    hci: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


BATCH_ITEM_STATES = tuple(s.value for s in BatchItemState)


class NightlyBatchRow(Base):
    """One enqueueing of the registry (`govaudit nightly`, or the beat schedule): what the
    operator asks about the morning after. Its sites' progress lives in `NightlyItem`."""

    __tablename__ = "nightly_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(Text)  # crawl | assess
    trigger: Mapped[str] = mapped_column(Text, default="cli")  # cli | beat
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NightlyItemRow(Base):
    """One site of a batch: the run its task works on (replaced when a transient failure forced a
    fresh run), where the task got to, and why it failed. Written by the Celery task itself."""

    __tablename__ = "nightly_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "site_id"),
        _one_of("nightly_items", "state", BATCH_ITEM_STATES),
        Index("ix_nightly_items_run", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("nightly_batches.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    state: Mapped[str] = mapped_column(String(16), default=BatchItemState.QUEUED.value)
    reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)  # deliveries that got the host lock and ran
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


SITE_CHECK_STATUSES = ("verified", "moved", "dead")


class SiteCheckRow(Base):
    """One `govaudit sites verify` of a registered site: did its start URL answer, where did it end
    up, does the host look official, in which language, under which title. Append-only: the latest
    check of a site is its state; earlier ones show when it moved or died."""

    __tablename__ = "site_checks"
    __table_args__ = (
        _one_of("site_checks", "status", SITE_CHECK_STATUSES),
        Index("ix_site_checks_site_checked", "site_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text, default="")
    http_status: Mapped[int | None]
    redirects: Mapped[list[Any]]
    official_domain: Mapped[bool] = mapped_column(Boolean, default=False)
    parked: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class UserSettingRow(Base):
    """What a person chose in the assessor app: the interface language ("" = their browser's) and
    whether single-key shortcuts are on (WCAG 2.1.4: character shortcuts can be turned off)."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), default="")
    shortcuts: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ElementScreenshotRow(Base):
    """A JPEG taken while the page was open: a highlighted crop of a failing element (by the selector
    its audit result gives), or with selector "" a small view of the page's first screen."""

    __tablename__ = "element_screenshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("page_visits.id", ondelete="CASCADE"), index=True)
    page_url: Mapped[str] = mapped_column(Text)
    selector: Mapped[str] = mapped_column(Text, default="")
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    image: Mapped[bytes] = mapped_column(LargeBinary)
