"""The repository: every read and write govaudit makes to its database goes through `Store`.

Each method is one short transaction and returns ids or frozen records, never ORM objects, so
callers cannot hold a session (and, on SQLite, the write lock) longer than the method runs.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, case, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from audits.result import PAGE_VIEW, AuditResult, ElementShot
from crawler.incremental import PreviousVisit
from crawler.site import SiteConfig
from crawler.snapshot import Link, PageSnapshot, ScanStatus
from crawler.urls import url_key
from rules.findings import Finding, SuggestedAnswer
from storage import migrate, models
from storage import records as rec
from storage.digest import snapshot_digest
from storage.engine import DEFAULT_URL, SQLITE_BEGIN, create_engine_for, normalise_url
from storage.records import DuplicateVisit, ReviewRecord, RunRecord, SiteRecord

FINISHED_STATUSES = ("completed", "failed", "interrupted")


class Store:
    """Repository over one database. Use as a context manager, or call `close()`.

    >>> with Store("sqlite:///govaudit.db") as store:
    ...     store.upgrade()
    ...     site_id = store.ensure_site(cfg)
    """

    def __init__(self, url: str | URL = DEFAULT_URL, *, engine: Engine | None = None) -> None:
        self.url = normalise_url(url) if engine is None else engine.url
        self.engine = engine if engine is not None else create_engine_for(self.url)
        self._owns_engine = engine is None
        self._local = threading.local()  # the session of an `atomic()` block, per thread
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        # Readers begin DEFERRED on SQLite: a read never needs the write lock, and taking it would
        # stall the crawl's writers for as long as a report takes to load.
        self._reader = sessionmaker(self.engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"}), expire_on_commit=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    # --- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """A Session inside one transaction, committed on exit and rolled back on error.

        On SQLite a writing transaction starts with BEGIN IMMEDIATE, so read-then-write work (claim
        the next frontier row, then mark it) is serialised across processes instead of failing with
        "database is locked". Pass `readonly=True` for pure reads.
        """
        ambient = getattr(self._local, "session", None)
        if ambient is not None:  # inside `atomic()`: join its transaction
            yield ambient
            return
        factory = self._reader if readonly else self._writer
        with factory() as session, session.begin():
            yield session

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Several Store calls as one transaction (in this thread): a crash keeps all or none of them
        (a page's visit, its audit results and findings), so a resume never finds half a page."""
        if getattr(self._local, "session", None) is not None:
            yield
            return
        with self._writer() as session, session.begin():
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    def upgrade(self) -> None:
        """Create or migrate the schema to the latest revision."""
        migrate.upgrade(self.engine)

    # --- registry and runs -----------------------------------------------------------------

    def ensure_site(self, cfg: SiteConfig, *, registered: bool = True) -> int:
        """Insert the site, or update the site of the same name; return its id. `registered=False`
        keeps a row for the runs without adding the site to the registry (a registered site stays so)."""
        if cfg.country and (len(cfg.country) != 3 or not cfg.country.isalpha()):
            raise ValueError(f"site {cfg.name!r}: country must be ISO 3166 alpha-3, not {cfg.country!r}")
        values = rec.site_values(cfg)
        now = models.utcnow()
        with self.transaction() as session:
            table = models.SiteRow.__table__
            stmt = _insert(session, table).values(**values, registered=registered, created_at=now, updated_at=now)
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

    def site_for_start_url(self, url: str) -> int | None:
        """The site (registered or not) whose first start URL or name is `url`: one entry per start URL."""
        stmt = select(models.SiteRow.id, models.SiteRow.name, models.SiteRow.start_urls).order_by(models.SiteRow.id)
        with self.transaction(readonly=True) as session:
            for site_id, name, starts in session.execute(stmt):
                if name == url or (starts and starts[0] == url):
                    return int(site_id)
        return None

    def remove_site(self, site_id: int) -> str:
        """Takes the site out of the registry: deleted if no run refers to it, else kept unregistered
        (its runs and their reports stay readable). Returns "deleted" or "unregistered"."""
        with self.transaction() as session:
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

    def site(self, name: str) -> SiteRecord | None:
        with self.transaction(readonly=True) as session:
            row = session.scalars(select(models.SiteRow).where(models.SiteRow.name == name)).one_or_none()
            return rec.site_record(row) if row else None

    def sites(
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
        with self.transaction(readonly=True) as session:
            return [rec.site_record(row) for row in session.scalars(stmt)]

    def start_run(self, site_id: int, settings: Mapping[str, Any], as_of: date | None = None) -> int:
        with self.transaction() as session:
            run = models.CrawlRunRow(
                site_id=site_id, status="running", settings=dict(settings), stats={}, error="", as_of=as_of
            )
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any], error: str = "") -> None:
        """Close a running run as completed or failed. A run is finished once."""
        if status not in FINISHED_STATUSES:
            raise ValueError(f"a run finishes as one of {FINISHED_STATUSES}, not {status!r}")
        with self.transaction() as session:
            result = session.execute(
                update(models.CrawlRunRow)
                .where(models.CrawlRunRow.id == run_id, models.CrawlRunRow.status == "running")
                .values(status=status, stats=dict(stats), error=error, finished_at=models.utcnow())
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                run = session.get(models.CrawlRunRow, run_id)
                if run is None:
                    raise LookupError(f"no run {run_id}")
                raise ValueError(f"run {run_id} is already {run.status}")

    def latest_run_id(self, site_name: str, status: str | None = None) -> int | None:
        """The most recently started run of the site (optionally only runs with `status`)."""
        stmt = (
            select(models.CrawlRunRow.id)
            .join(models.SiteRow, models.SiteRow.id == models.CrawlRunRow.site_id)
            .where(models.SiteRow.name == site_name)
            .order_by(models.CrawlRunRow.started_at.desc(), models.CrawlRunRow.id.desc())
            .limit(1)
        )
        if status is not None:
            stmt = stmt.where(models.CrawlRunRow.status == status)
        with self.transaction(readonly=True) as session:
            return session.scalars(stmt).first()

    # --- crawl output ----------------------------------------------------------------------

    def record_visit(self, run_id: int, site_id: int, snap: PageSnapshot) -> int:
        """Store one fetched page of a run; raise DuplicateVisit if the run already has it."""
        url = snap.requested_url
        with self.transaction() as session:
            _check_run_site(session, run_id, site_id)
            pages = models.PageRow.__table__
            stmt = _insert(session, pages).values(site_id=site_id, url=url, url_hash=_url_hash(url))
            # DO UPDATE (a no-op) rather than DO NOTHING, so that RETURNING yields the existing id.
            stmt = stmt.on_conflict_do_update(
                index_elements=["site_id", "url_hash"], set_={"url": stmt.excluded.url}
            ).returning(pages.c.id)
            page_id = int(session.execute(stmt).scalar_one())
            visit = models.PageVisitRow(run_id=run_id, page_id=page_id, **rec.visit_values(snap, snapshot_digest(snap)))
            session.add(visit)
            try:
                session.flush()
            except IntegrityError as exc:
                if _is_duplicate_visit(exc):
                    raise DuplicateVisit(run_id, url) from exc
                raise
            # Same transaction as the visit: a crash leaves the page either recorded and done, or
            # neither (and a resume fetches it again) — never recorded twice, never lost.
            frontier = models.FrontierEntryRow
            session.execute(
                update(frontier)
                .where(frontier.run_id == run_id, frontier.url_hash == _url_hash(url_key(url)))
                .values(state="done")
            )
            return visit.id

    def record_visits(self, run_id: int, site_id: int, snaps: Sequence[PageSnapshot]) -> None:
        """Store many visits in one transaction (a crawl-only run's batch). As with
        `record_visit`, the frontier entries are completed in the same transaction, so a crash
        loses the whole batch or nothing, and a resume fetches what was lost."""
        if not snaps:
            return
        with self.transaction() as session:
            _check_run_site(session, run_id, site_id)
            # Core statements on the session's connection, executed for many rows: compiled once
            # and cached (a multi-row VALUES is compiled again for every batch length), and clear
            # of the ORM's bulk machinery, which a recrawl of carried pages would mostly pay for.
            connection = session.connection()
            pages = models.PageRow.__table__
            hashes = {snap.requested_url: _url_hash(snap.requested_url) for snap in snaps}
            # Pages known from earlier runs are read, not upserted: on a recrawl that is every page,
            # and an upsert would rewrite each row to get its id back.
            known = connection.execute(
                select(pages.c.url_hash, pages.c.id).where(
                    pages.c.site_id == site_id, pages.c.url_hash.in_(list(hashes.values()))
                )
            )
            page_ids = dict(known.all())
            new = [{"site_id": site_id, "url": u, "url_hash": h} for u, h in hashes.items() if h not in page_ids]
            if new:
                stmt = _insert(session, pages)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["site_id", "url_hash"], set_={"url": stmt.excluded.url}
                ).returning(pages.c.id, pages.c.url_hash)
                page_ids.update((digest, page_id) for page_id, digest in connection.execute(stmt, new))
            now = models.utcnow()  # the batch's pages were all fetched (or carried) by now
            rows = [
                {
                    # A carried page keeps no digest of its own: none is built for it.
                    **rec.visit_values(snap, snapshot_digest(snap) if snap.carried_from is None else {}),
                    "run_id": run_id,
                    "page_id": page_ids[hashes[snap.requested_url]],
                    "fetched_at": now,
                }
                for snap in snaps
            ]
            try:
                connection.execute(insert(models.PageVisitRow.__table__), rows)
            except IntegrityError as exc:
                if _is_duplicate_visit(exc):
                    raise DuplicateVisit(run_id, snaps[0].requested_url) from exc
                raise
            frontier = models.FrontierEntryRow.__table__.c
            connection.execute(
                update(models.FrontierEntryRow.__table__)
                .where(
                    frontier.run_id == run_id,
                    frontier.url_hash.in_([_url_hash(url_key(s.requested_url)) for s in snaps]),
                )
                .values(state="done")
            )

    def mark_rendered(self, visit_id: int, render_ms: float, reason: str, measurements: Mapping[str, float]) -> None:
        """A page rendered after its visit was recorded (an audit sample): say so on the visit."""
        with self.transaction() as session:
            visit = session.get_one(models.PageVisitRow, visit_id)
            visit.rendered, visit.render_ms, visit.render_reason = True, render_ms, reason
            if visit.digest is not None:
                visit.digest = {**visit.digest, "measurements": dict(measurements), "rendered": True}

    def mark_render_failed(self, visit_id: int, status: ScanStatus, reason: str) -> None:
        """A page rendered after its visit was recorded whose navigation was refused by the address guard
        or ended on the browser's error page: the visit says so (it is no longer `ok`)."""
        with self.transaction() as session:
            visit = session.get_one(models.PageVisitRow, visit_id)
            visit.status, visit.reason, visit.rendered = str(status), reason, False

    def record_audit_results(self, visit_id: int, results: Sequence[AuditResult]) -> list[int]:
        rows = [
            models.AuditResultRow(
                visit_id=visit_id,
                page_url=r.page_url,
                engine=r.engine,
                engine_version=r.engine_version,
                rule_id=r.rule_id,
                outcome=str(r.outcome),
                wcag=list(r.wcag),
                is_wcag=r.is_wcag,
                impact=r.impact,
                description=r.description,
                help_url=r.help_url,
                nodes=rec.nodes_to_json(r.nodes),
                reason=r.reason,
                fingerprint=r.fingerprint(r.nodes[0] if r.nodes else None),
            )
            for r in results
        ]
        with self.transaction() as session:
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def record_screenshots(self, visit_id: int, shots: Sequence[ElementShot]) -> None:
        if not shots:
            return
        rows = [
            models.ElementScreenshotRow(
                visit_id=visit_id,
                page_url=shot.page_url,
                selector=shot.selector,
                media_type=shot.media_type,
                width=shot.width,
                height=shot.height,
                image=shot.image,
            )
            for shot in shots
        ]
        with self.transaction() as session:
            session.add_all(rows)

    def run_screenshots(self, run_id: int, *, page_views_of: Sequence[str] | None = None) -> list[ElementShot]:
        """The screenshots behind a run's results: its own visits', and for a page carried forward
        unchanged, those of the visit whose results it carries. With `page_views_of`, only the views
        of those pages (the evidence of a suggested answer)."""
        with self.transaction(readonly=True) as session:
            visits = session.execute(
                select(models.PageVisitRow.id, models.PageVisitRow.carried_from_id).where(
                    models.PageVisitRow.run_id == run_id
                )
            ).all()
            ids = {carried or own for own, carried in visits}
            query = select(models.ElementScreenshotRow).where(models.ElementScreenshotRow.visit_id.in_(ids))
            if page_views_of is not None:
                query = query.where(
                    models.ElementScreenshotRow.selector == PAGE_VIEW,
                    models.ElementScreenshotRow.page_url.in_(list(page_views_of)),
                )
            rows = session.scalars(query.order_by(models.ElementScreenshotRow.id))
            return [ElementShot(r.page_url, r.selector, r.image, r.width, r.height, r.media_type) for r in rows]

    def record_findings(self, run_id: int, findings: Sequence[Finding], visit_id: int | None = None) -> list[int]:
        """Store findings; with `visit_id`, they are that page's own (and carry forward with it)."""
        rows = [rec.finding_row(run_id, f) for f in findings]
        for row in rows:
            row.visit_id = visit_id
        with self.transaction() as session:
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def record_answers(self, run_id: int, site_id: int, answers: Sequence[SuggestedAnswer]) -> list[int]:
        """Store suggested answers with the findings behind them; return the answer ids.

        A finding identical to one already stored for this run (by `record_findings` or an earlier
        answer) is linked rather than stored again, so a run's findings are not double-counted.
        """
        with self.transaction() as session:
            _check_run_site(session, run_id, site_id)
            known = _known_findings(session, run_id, [f for a in answers for f in a.findings])
            ids: list[int] = []
            for answer in answers:
                finding_ids: list[int] = []
                for finding in answer.findings:
                    if finding not in known:
                        row = rec.finding_row(run_id, finding)
                        session.add(row)
                        session.flush()
                        known[finding] = row.id
                    finding_ids.append(known[finding])
                row = models.SuggestedAnswerRow(
                    run_id=run_id,
                    site_id=site_id,
                    instrument=answer.instrument,
                    edition=answer.edition,
                    question=answer.question,
                    value=answer.value,
                    outcome=str(answer.outcome),
                    confidence=answer.confidence,
                    rationale=answer.rationale,
                    evidence=rec.evidence_to_json(answer.evidence),
                )
                session.add(row)
                session.flush()
                session.add_all(
                    models.AnswerFindingRow(answer_id=row.id, position=i, finding_id=fid)
                    for i, fid in enumerate(finding_ids)
                )
                ids.append(row.id)
            return ids

    def page_findings(self, visit_id: int) -> list[Finding]:
        """The page-level findings recorded for a visit (to carry forward an unchanged page)."""
        with self.transaction(readonly=True) as session:
            rows = session.scalars(
                select(models.FindingRow).where(models.FindingRow.visit_id == visit_id).order_by(models.FindingRow.id)
            )
            return [rec.finding(r) for r in rows]

    def run_page_findings(self, run_id: int) -> list[Finding]:
        """Every page-level finding of a run (including those carried from earlier runs)."""
        with self.transaction(readonly=True) as session:
            rows = session.scalars(
                select(models.FindingRow)
                .where(models.FindingRow.run_id == run_id, models.FindingRow.visit_id.is_not(None))
                .order_by(models.FindingRow.id)
            )
            return [rec.finding(r) for r in rows]

    def visit_audits(self, visit_id: int) -> list[AuditResult]:
        with self.transaction(readonly=True) as session:
            rows = session.scalars(
                select(models.AuditResultRow)
                .where(models.AuditResultRow.visit_id == visit_id)
                .order_by(models.AuditResultRow.id)
            )
            return [rec.audit_result(r) for r in rows]

    def last_completed_settings(self, site_id: int, before_run: int | None = None) -> dict[str, Any] | None:
        """The settings of the site's latest completed run (the one `previous_visits` reads), or None."""
        run = models.CrawlRunRow
        with self.transaction(readonly=True) as session:
            stmt = select(run.settings).where(run.site_id == site_id, run.status == "completed")
            if before_run is not None:
                stmt = stmt.where(run.id < before_run)
            found = session.scalars(stmt.order_by(run.started_at.desc(), run.id.desc()).limit(1)).first()
            return dict(found) if found is not None else None

    def previous_visits(
        self, site_id: int, before_run: int | None = None, *, links: bool = True
    ) -> dict[str, PreviousVisit]:
        """What the site's latest completed run saw, per URL key: for conditional GETs, the revisit
        policy and carrying unchanged pages forward. Results point at the visit that really did the
        work. Of each page's digest only the links are read (the database extracts them): a carried
        page needs them to keep discovery going, and its text, forms and measurements are read from
        the visit it carries forward by whoever needs them, never from here. With `links=False` not
        even those: reading them means reading every digest whole, most of the time a recrawl
        spent here, while a crawl that has spent its page budget needs none; `visit_links` reads
        them for the pages that do (`PreviousVisit.links_read` is false)."""
        run = models.CrawlRunRow
        with self.transaction(readonly=True) as session:
            stmt = select(run.id).where(run.site_id == site_id, run.status == "completed")
            if before_run is not None:
                stmt = stmt.where(run.id < before_run)
            last = session.scalars(stmt.order_by(run.started_at.desc(), run.id.desc()).limit(1)).first()
            if last is None:
                return {}
            # Core columns on the session's connection: thousands of rows, no ORM objects wanted.
            connection = session.connection()
            visits, pages = models.PageVisitRow.__table__, models.PageRow.__table__
            roots = visits.alias("root")
            visit, page, root = visits.c, pages.c, roots.c
            if links:
                # A carried visit keeps no digest: the links are those of the visit it carries.
                stored: Any = case((visit.carried_from_id.is_(None), visit.digest["links"]), else_=root.digest["links"])
            else:
                # Whether there is a digest at all (a visit recorded before digests were has none),
                # by a test that does not read it: SQLite's IS NULL loads the value, typeof() of a
                # column does not (of a CASE it does).
                sqlite = connection.dialect.name == "sqlite"

                def has(digest: Any) -> Any:
                    return func.typeof(digest) != "null" if sqlite else digest.is_not(None)

                stored = case((visit.carried_from_id.is_(None), has(visit.digest)), else_=has(root.digest))
            rows = connection.execute(
                select(
                    page.url,
                    visit.id,
                    visit.carried_from_id,
                    visit.final_url,
                    visit.depth,
                    visit.status,
                    visit.status_code,
                    visit.redirect_chain,
                    visit.headers,
                    visit.content_type,
                    visit.content_length,
                    visit.content_hash,
                    visit.title,
                    visit.language,
                    visit.via,
                    visit.fetched_at,
                    visit.confirmed_at,
                    stored,
                    visit.assets,
                )
                .select_from(
                    visits.join(pages, page.id == visit.page_id).outerjoin(roots, root.id == visit.carried_from_id)
                )
                .where(visit.run_id == last, visit.status.in_(("ok", "not_modified")))
            )
            previous = {}
            # A site's navigation is the same links on every page: one Link object each, shared.
            shared: dict[tuple[str, ...], Link] = {}
            for row in rows:
                if (row[17] is None) if links else (not row[17]):  # no digest to carry forward: fetched as if new
                    continue
                snapshot = PageSnapshot(
                    requested_url=row.url,
                    final_url=row.final_url,
                    depth=row.depth,
                    status=ScanStatus(row.status),
                    status_code=row.status_code,
                    redirect_chain=tuple(row.redirect_chain),
                    headers=row.headers,  # decoded from JSON for this row: not shared
                    content_type=row.content_type,
                    content_length=row.content_length,
                    content_hash=row.content_hash,
                    title=row.title,
                    language=row.language,
                    links=_links(row[17], shared) if links else (),
                    via=row.via,
                    carried_from=row.carried_from_id,
                    assets=row.assets,
                )
                previous[url_key(row.url)] = PreviousVisit(
                    visit_id=row.carried_from_id or row.id,
                    content_hash=row.content_hash,
                    etag=row.headers.get("etag", ""),
                    last_modified=row.headers.get("last-modified", ""),
                    snapshot=snapshot,
                    confirmed_at=row.confirmed_at or row.fetched_at,
                    links_read=links,
                )
            return previous

    def visit_links(self, visit_ids: Sequence[int]) -> dict[int, tuple[Link, ...]]:
        """The links stored with each of these visits' digests (ids of `PreviousVisit`s: visits
        that carry none forward); a visit without a digest is left out. The crawler's `LinksReader`."""
        visit = models.PageVisitRow.__table__.c
        ids, found = sorted(set(visit_ids)), {}
        shared: dict[tuple[str, ...], Link] = {}
        with self.transaction(readonly=True) as session:
            connection = session.connection()
            for start in range(0, len(ids), 10_000):  # SQLite caps bound parameters per statement
                rows = connection.execute(
                    select(visit.id, visit.digest["links"]).where(visit.id.in_(ids[start : start + 10_000]))
                )
                found.update((visit_id, _links(items, shared)) for visit_id, items in rows if items is not None)
        return found

    def visit_summaries(self, run_id: int) -> list[tuple[str, str, str, int, int | None, str]]:
        """(url, final url, status, depth, status code, reason) of every page of a run, in order."""
        visit, page = models.PageVisitRow, models.PageRow
        stmt = (
            select(page.url, visit.final_url, visit.status, visit.depth, visit.status_code, visit.reason)
            .join(page, page.id == visit.page_id)
            .where(visit.run_id == run_id)
            .order_by(visit.id)
        )
        with self.transaction(readonly=True) as session:
            return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]

    def run_snapshots(self, run_id: int) -> list[PageSnapshot]:
        """Light snapshots of every page a run recorded (a resumed run's site-level view)."""
        with self.transaction(readonly=True) as session:
            rows = list(
                session.scalars(
                    select(models.PageVisitRow)
                    .where(models.PageVisitRow.run_id == run_id)
                    .order_by(models.PageVisitRow.id)
                )
            )
            digests = _carried_digests(session, rows)
            return [rec.light_snapshot(row, digests.get(row.carried_from_id or -1)) for row in rows]

    def run_site(self, run_id: int) -> tuple[int, SiteConfig, str]:
        """(site id, site, run status) of a run: what `crawl --resume` starts from."""
        with self.transaction(readonly=True) as session:
            run = session.get(models.CrawlRunRow, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            site = session.get(models.SiteRow, run.site_id)
            assert site is not None
            return site.id, rec.site_record(site).config, run.status

    # --- people and decisions --------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str, countries: Sequence[str] = ()) -> int:
        if role not in models.ROLES:
            raise ValueError(f"role must be one of {models.ROLES}, not {role!r}")
        with self.transaction() as session:
            user = models.UserRow(name=name, role=role, password_hash=password_hash, countries=list(countries))
            session.add(user)
            session.flush()
            return user.id

    def add_review(
        self,
        answer_id: int,
        user_id: int,
        role: str,
        decision: str,
        final_value: str | None = None,
        comment: str = "",
    ) -> int:
        """Append a human decision on a suggested answer. There is no way to edit or delete one:
        a change of mind is a new review, and the latest review is the one that counts.

        `accept` without a final value takes the suggested value; `override` needs a final value.
        """
        if decision not in models.DECISIONS:
            raise ValueError(f"decision must be one of {models.DECISIONS}, not {decision!r}")
        if role not in models.ROLES:
            raise ValueError(f"role must be one of {models.ROLES}, not {role!r}")
        if decision == "override" and final_value is None:
            raise ValueError("an override needs a final value")
        with self.transaction() as session:
            answer = session.get(models.SuggestedAnswerRow, answer_id)
            if answer is None:
                raise LookupError(f"no suggested answer {answer_id}")
            user = session.get(models.UserRow, user_id)
            if user is None:
                raise LookupError(f"no user {user_id}")
            if role != user.role and user.role != "admin":
                raise PermissionError(f"user {user.name!r} is a {user.role}, cannot review as {role}")
            if decision == "accept" and final_value is None:
                final_value = answer.value
            review = models.ReviewRow(
                answer_id=answer_id,
                user_id=user_id,
                role=role,
                decision=decision,
                final_value=final_value,
                comment=comment,
            )
            session.add(review)
            session.flush()
            return review.id

    def reviews_for(self, answer_id: int) -> list[ReviewRecord]:
        """Reviews of one answer, oldest first."""
        with self.transaction(readonly=True) as session:
            rows = session.scalars(
                select(models.ReviewRow)
                .where(models.ReviewRow.answer_id == answer_id)
                .order_by(models.ReviewRow.created_at, models.ReviewRow.id)
            )
            return [rec.review_record(r) for r in rows]

    # --- reading a run back ----------------------------------------------------------------

    def load_run(self, run_id: int) -> RunRecord:
        """Everything a run produced, in insertion order, as detached records."""
        with self.transaction(readonly=True) as session:
            run = session.get(models.CrawlRunRow, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            site = session.get_one(models.SiteRow, run.site_id)

            visits = session.scalars(
                select(models.PageVisitRow).where(models.PageVisitRow.run_id == run_id).order_by(models.PageVisitRow.id)
            ).all()
            audits: dict[int, list[models.AuditResultRow]] = defaultdict(list)
            for audit in session.scalars(
                select(models.AuditResultRow)
                .join(models.PageVisitRow, models.PageVisitRow.id == models.AuditResultRow.visit_id)
                .where(models.PageVisitRow.run_id == run_id)
                .order_by(models.AuditResultRow.id)
            ):
                audits[audit.visit_id].append(audit)
            # An unchanged page's results are those of the visit it carries forward.
            carried = {v.carried_from_id for v in visits if v.carried_from_id is not None}
            if carried:
                for audit in session.scalars(
                    select(models.AuditResultRow)
                    .where(models.AuditResultRow.visit_id.in_(carried))
                    .order_by(models.AuditResultRow.id)
                ):
                    audits[audit.visit_id].append(audit)
            for visit in visits:
                if visit.carried_from_id is not None:
                    audits[visit.id] = audits.get(visit.carried_from_id, [])

            findings = {
                f.id: f
                for f in session.scalars(
                    select(models.FindingRow).where(models.FindingRow.run_id == run_id).order_by(models.FindingRow.id)
                )
            }
            answers = session.scalars(
                select(models.SuggestedAnswerRow)
                .where(models.SuggestedAnswerRow.run_id == run_id)
                .order_by(models.SuggestedAnswerRow.id)
            ).all()
            answer_ids = [a.id for a in answers]
            links: dict[int, list[models.FindingRow]] = defaultdict(list)
            for link in session.scalars(
                select(models.AnswerFindingRow)
                .where(models.AnswerFindingRow.answer_id.in_(answer_ids))
                .order_by(models.AnswerFindingRow.answer_id, models.AnswerFindingRow.position)
            ):
                links[link.answer_id].append(findings[link.finding_id])
            reviews: dict[int, list[models.ReviewRow]] = defaultdict(list)
            for review in session.scalars(
                select(models.ReviewRow)
                .where(models.ReviewRow.answer_id.in_(answer_ids))
                .order_by(models.ReviewRow.created_at, models.ReviewRow.id)
            ):
                reviews[review.answer_id].append(review)

            return RunRecord(
                id=run.id,
                site=rec.site_record(site),
                status=run.status,
                started_at=run.started_at,
                finished_at=run.finished_at,
                settings=dict(run.settings),
                stats=dict(run.stats),
                error=run.error,
                as_of=run.as_of,
                visits=tuple(rec.visit_record(v, audits.get(v.id, ())) for v in visits),
                findings=tuple(rec.FindingRecord(f.id, rec.finding(f)) for f in findings.values()),
                answers=tuple(rec.answer_record(a, links[a.id], reviews[a.id]) for a in answers),
            )

    # --- the assessor web app --------------------------------------------------------------

    def user_by_name(self, name: str) -> rec.UserRecord | None:
        with self.transaction(readonly=True) as session:
            row = session.scalars(select(models.UserRow).where(models.UserRow.name == name)).one_or_none()
            return rec.user_record(row) if row else None

    def user(self, user_id: int) -> rec.UserRecord | None:
        with self.transaction(readonly=True) as session:
            row = session.get(models.UserRow, user_id)
            return rec.user_record(row) if row else None

    def users(self) -> list[rec.UserRecord]:
        with self.transaction(readonly=True) as session:
            return [rec.user_record(r) for r in session.scalars(select(models.UserRow).order_by(models.UserRow.id))]

    def record_login_attempt(self, name: str, address: str, ok: bool) -> None:
        with self.transaction() as session:
            session.add(models.LoginAttemptRow(name=name, address=address, ok=ok, at=models.utcnow()))

    def failed_logins(self, name: str, address: str, since: datetime) -> tuple[int, int]:
        """Failed sign-ins since `since`: (for this name from anywhere, from this address for any name)."""
        attempt = models.LoginAttemptRow
        recent = select(func.count()).select_from(attempt).where(attempt.ok.is_(False), attempt.at >= since)
        with self.transaction(readonly=True) as session:
            by_name = session.scalar(recent.where(attempt.name == name)) or 0
            by_address = session.scalar(recent.where(attempt.address == address)) or 0
            return int(by_name), int(by_address)

    def answered_countries(self) -> list[tuple[str, str]]:
        """(country, instrument key) pairs that have suggested answers, sorted."""
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        stmt = (
            select(site.country, answer.instrument)
            .join(site, site.id == answer.site_id)
            .where(site.country != "")
            .distinct()
            .order_by(site.country, answer.instrument)
        )
        with self.transaction(readonly=True) as session:
            return [(c, i) for c, i in session.execute(stmt)]

    def country_answers(self, country: str, instrument: str) -> list[rec.CountryAnswer]:
        """Every suggestion (all runs) of one country's sites for one instrument, with its reviews,
        oldest first. The findings behind each answer are left out: the queue does not show them."""
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        with self.transaction(readonly=True) as session:
            rows = session.execute(
                select(answer, site.name, site.kind)
                .join(site, site.id == answer.site_id)
                .where(site.country == country.upper(), answer.instrument == instrument)
                .order_by(answer.created_at, answer.id)
            ).all()
            reviews: dict[int, list[models.ReviewRow]] = defaultdict(list)
            ids = [row[0].id for row in rows]
            for start in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                for review in session.scalars(
                    select(models.ReviewRow)
                    .where(models.ReviewRow.answer_id.in_(ids[start : start + 500]))
                    .order_by(models.ReviewRow.created_at, models.ReviewRow.id)
                ):
                    reviews[review.answer_id].append(review)
            return [
                rec.CountryAnswer(
                    site_id=row.site_id,
                    site_name=name,
                    site_kind=kind,
                    run_id=row.run_id,
                    record=rec.answer_record(row, (), reviews[row.id]),
                )
                for row, name, kind in rows
            ]

    def answer_place(self, answer_id: int) -> tuple[str, str, str] | None:
        """(country, instrument, question) of a suggested answer: what a permission check needs."""
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        stmt = (
            select(site.country, answer.instrument, answer.question)
            .join(site, site.id == answer.site_id)
            .where(answer.id == answer_id)
        )
        with self.transaction(readonly=True) as session:
            row = session.execute(stmt).first()
            return (row[0], row[1], row[2]) if row else None

    def save_indicator(self, country: str, edition: str, tii: float | None, hci: float | None, source: str) -> None:
        """Insert or replace a country's imported TII/HCI for an edition (a re-import corrects it)."""
        table = models.IndicatorRow.__table__
        values = {"tii": tii, "hci": hci, "source": source, "imported_at": models.utcnow()}
        with self.transaction() as session:
            stmt = _insert(session, table).values(country=country.upper(), edition=edition, **values)
            session.execute(stmt.on_conflict_do_update(index_elements=["country", "edition"], set_=values))

    def indicators(self, edition: str | None = None) -> list[rec.IndicatorRecord]:
        stmt = select(models.IndicatorRow).order_by(models.IndicatorRow.country, models.IndicatorRow.edition)
        if edition is not None:
            stmt = stmt.where(models.IndicatorRow.edition == edition)
        with self.transaction(readonly=True) as session:
            return [
                rec.IndicatorRecord(r.country, r.edition, r.tii, r.hci, r.source, r.imported_at)
                for r in session.scalars(stmt)
            ]


def _insert(session: Session, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT support (both backends spell it the same way)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {name}")


def _carried_digests(session: Session, rows: Sequence[models.PageVisitRow]) -> dict[int, dict[str, Any]]:
    """Digests of the visits that carried rows refer to, in one query."""
    roots = {row.carried_from_id for row in rows if row.carried_from_id is not None and row.digest is None}
    if not roots:
        return {}
    visit = models.PageVisitRow
    ids, digests = sorted(roots), {}
    for start in range(0, len(ids), 10_000):  # SQLite caps bound parameters per statement
        chunk = ids[start : start + 10_000]
        found = session.execute(select(visit.id, visit.digest).where(visit.id.in_(chunk), visit.digest.is_not(None)))
        digests.update({visit_id: digest for visit_id, digest in found})
    return digests


def _links(items: Sequence[Sequence[str]], shared: dict[tuple[str, ...], Link]) -> tuple[Link, ...]:
    """Stored links as `Link`s, each distinct one made once (a site's navigation is on every page)."""
    return tuple(shared.get(key) or shared.setdefault(key, Link(*key)) for key in map(tuple, items))


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _is_duplicate_visit(exc: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the columns.
    message = str(exc.orig)
    return "uq_page_visits_run_id_page_id" in message or "page_visits.run_id, page_visits.page_id" in message


def _check_run_site(session: Session, run_id: int, site_id: int) -> None:
    # Guards against a pipeline mixing up ids: a page or answer filed under the wrong site would
    # silently corrupt another country's results.
    run_site = session.scalar(select(models.CrawlRunRow.site_id).where(models.CrawlRunRow.id == run_id))
    if run_site is None:
        raise LookupError(f"no run {run_id}")
    if run_site != site_id:
        raise ValueError(f"run {run_id} belongs to site {run_site}, not {site_id}")


def _known_findings(session: Session, run_id: int, wanted: Sequence[Finding]) -> dict[Finding, int]:
    """Ids of this run's stored findings equal to any of `wanted` (first stored wins)."""
    if not wanted:
        return {}
    questions = {f.question for f in wanted}
    rows = session.scalars(
        select(models.FindingRow)
        .where(models.FindingRow.run_id == run_id, models.FindingRow.question.in_(questions))
        .order_by(models.FindingRow.id)
    )
    known: dict[Finding, int] = {}
    for row in rows:
        known.setdefault(rec.finding(row), row.id)
    return known
