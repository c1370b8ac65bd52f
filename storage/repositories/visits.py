"""Visits: the pages a run fetched (or carried forward unchanged), and what a later run reads back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Result, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.incremental import PreviousVisit
from crawler.snapshot import Link, PageDigest, PageSnapshot, ScanStatus
from crawler.urls import url_key
from storage import models
from storage.database import Repository
from storage.digest import snapshot_digest
from storage.mappers import page_digest, stored_links, visit_values
from storage.records import DuplicateVisit, VisitSummary
from storage.repositories.previous import PAGES, VISITS, previous_visits
from storage.repositories.runs import last_completed
from storage.sql import check_run_site, chunks, table_of, upsert, url_hash

FRONTIER = table_of(models.FrontierEntryRow)


class VisitRepository(Repository):
    def record(self, run_id: int, site_id: int, snap: PageSnapshot) -> int:
        """Store one fetched page of a run; raise DuplicateVisit if the run already has it."""
        url = snap.requested_url
        with self.db.transaction() as session:
            check_run_site(session, run_id, site_id)
            stmt = upsert(session, PAGES).values(site_id=site_id, url=url, url_hash=url_hash(url))
            # DO UPDATE (a no-op) rather than DO NOTHING, so that RETURNING yields the existing id.
            stmt = stmt.on_conflict_do_update(
                index_elements=["site_id", "url_hash"], set_={"url": stmt.excluded.url}
            ).returning(PAGES.c.id)
            page_id = int(session.execute(stmt).scalar_one())
            visit = models.PageVisitRow(run_id=run_id, page_id=page_id, **visit_values(snap, snapshot_digest(snap)))
            session.add(visit)
            try:
                session.flush()
            except IntegrityError as exc:
                if _is_duplicate_visit(exc):
                    raise DuplicateVisit(run_id, url) from exc
                raise
            # Same transaction as the visit: a crash leaves the page either recorded and done, or
            # neither (and a resume fetches it again) — never recorded twice, never lost.
            _frontier_done(session.connection(), run_id, [url])
            return visit.id

    def record_many(self, run_id: int, site_id: int, snaps: Sequence[PageSnapshot]) -> None:
        """Store many visits in one transaction (a crawl-only run's batch). As with `record`, the
        frontier entries are completed in the same transaction, so a crash loses the whole batch
        or nothing, and a resume fetches what was lost."""
        if not snaps:
            return
        with self.db.transaction() as session:
            check_run_site(session, run_id, site_id)
            # Core statements on the session's connection, executed for many rows: compiled once
            # and cached (a multi-row VALUES is compiled again for every batch length), and clear
            # of the ORM's bulk machinery, which a recrawl of carried pages would mostly pay for.
            connection = session.connection()
            page_ids = _page_ids(session, site_id, [snap.requested_url for snap in snaps])
            now = models.utcnow()  # the batch's pages were all fetched (or carried) by now
            rows = [
                {
                    # A carried page keeps no digest of its own: none is built for it.
                    **visit_values(snap, snapshot_digest(snap) if snap.carried_from is None else {}),
                    "run_id": run_id,
                    "page_id": page_ids[snap.requested_url],
                    "fetched_at": now,
                }
                for snap in snaps
            ]
            try:
                connection.execute(insert(VISITS), rows)
            except IntegrityError as exc:
                if _is_duplicate_visit(exc):
                    raise DuplicateVisit(run_id, snaps[0].requested_url) from exc
                raise
            _frontier_done(connection, run_id, [s.requested_url for s in snaps])

    def mark_rendered(self, visit_id: int, render_ms: float, reason: str, measurements: Mapping[str, float]) -> None:
        """A page rendered after its visit was recorded (an audit sample): say so on the visit."""
        with self.db.transaction() as session:
            visit = session.get_one(models.PageVisitRow, visit_id)
            visit.rendered, visit.render_ms, visit.render_reason = True, render_ms, reason
            if visit.digest is not None:
                visit.digest = {**visit.digest, "measurements": dict(measurements), "rendered": True}

    def mark_render_failed(self, visit_id: int, status: ScanStatus, reason: str) -> None:
        """A page rendered after its visit was recorded whose navigation was refused by the address guard
        or ended on the browser's error page: the visit says so (it is no longer `ok`)."""
        with self.db.transaction() as session:
            visit = session.get_one(models.PageVisitRow, visit_id)
            visit.status, visit.reason, visit.rendered = str(status), reason, False

    def previous(self, site_id: int, before_run: int | None = None, *, links: bool = True) -> dict[str, PreviousVisit]:
        """What the site's latest completed run saw, per URL key: for conditional GETs, the revisit
        policy and carrying unchanged pages forward (see `storage.repositories.previous`). With
        `links=False` not even the links are read: reading them means reading every digest whole,
        most of the time a recrawl spent here, while a crawl that has spent its page budget needs
        none; `links` reads them for the pages that do (`PreviousVisit.links_read` is false)."""
        with self.db.transaction(readonly=True) as session:
            last: int | None = session.scalars(
                last_completed(select(models.CrawlRunRow.id), site_id, before_run)
            ).first()
            return {} if last is None else previous_visits(session, last, links=links)

    def links(self, visit_ids: Sequence[int]) -> dict[int, tuple[Link, ...]]:
        """The links stored with each of these visits' digests (ids of `PreviousVisit`s: visits
        that carry none forward); a visit without a digest is left out. The crawler's `LinksReader`."""
        visit = VISITS.c
        found: dict[int, tuple[Link, ...]] = {}
        shared: dict[tuple[str, ...], Link] = {}
        with self.db.transaction(readonly=True) as session:
            connection = session.connection()
            for chunk in chunks(sorted(set(visit_ids))):
                stmt = select(visit.id, visit.digest["links"]).where(visit.id.in_(chunk))
                rows: Result[int, list[list[str]] | None] = connection.execute(stmt)
                found.update((visit_id, stored_links(items, shared)) for visit_id, items in rows if items is not None)
        return found

    def summaries(self, run_id: int) -> list[VisitSummary]:
        """Where every page of a run ended and how, in the order the run recorded them."""
        visit, page = models.PageVisitRow, models.PageRow
        stmt = (
            select(page.url, visit.final_url, visit.status, visit.depth, visit.status_code, visit.reason)
            .join(page, page.id == visit.page_id)
            .where(visit.run_id == run_id)
            .order_by(visit.id)
        )
        with self.db.transaction(readonly=True) as session:
            return [
                VisitSummary(url, final_url, ScanStatus(status), depth, code, reason)
                for url, final_url, status, depth, code, reason in session.execute(stmt)
            ]

    def digests(self, run_id: int) -> list[PageDigest]:
        """Every page a run recorded, as the rules read it (the run's site-level view, a resumed run's too)."""
        visit = models.PageVisitRow
        with self.db.transaction(readonly=True) as session:
            rows = list(session.scalars(select(visit).where(visit.run_id == run_id).order_by(visit.id)))
            digests = _carried_digests(session, rows)
            return [page_digest(row, digests.get(row.carried_from_id or -1)) for row in rows]


def _page_ids(session: Session, site_id: int, urls: Sequence[str]) -> dict[str, int]:
    """URL → page id, adding the pages the site did not have yet."""
    connection = session.connection()
    hashes = {url: url_hash(url) for url in urls}
    # Pages known from earlier runs are read, not upserted: on a recrawl that is every page,
    # and an upsert would rewrite each row to get its id back.
    known: Result[str, int] = connection.execute(
        select(PAGES.c.url_hash, PAGES.c.id).where(
            PAGES.c.site_id == site_id, PAGES.c.url_hash.in_(list(hashes.values()))
        )
    )
    by_hash: dict[str, int] = {digest: page_id for digest, page_id in known}
    new = [{"site_id": site_id, "url": u, "url_hash": h} for u, h in hashes.items() if h not in by_hash]
    if new:
        stmt = upsert(session, PAGES)
        stmt = stmt.on_conflict_do_update(
            index_elements=["site_id", "url_hash"], set_={"url": stmt.excluded.url}
        ).returning(PAGES.c.id, PAGES.c.url_hash)
        added: Result[int, str] = connection.execute(stmt, new)
        by_hash.update((digest, page_id) for page_id, digest in added)
    return {url: by_hash[digest] for url, digest in hashes.items()}


def _frontier_done(connection: Connection, run_id: int, urls: Sequence[str]) -> None:
    """The frontier entries of these pages are done (in the transaction that recorded them)."""
    entry = FRONTIER.c
    hashes = [url_hash(url_key(url)) for url in urls]
    condition = entry.url_hash == hashes[0] if len(hashes) == 1 else entry.url_hash.in_(hashes)
    connection.execute(update(FRONTIER).where(entry.run_id == run_id, condition).values(state="done"))


def _is_duplicate_visit(exc: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the columns.
    message = str(exc.orig)
    return "uq_page_visits_run_id_page_id" in message or "page_visits.run_id, page_visits.page_id" in message


def _carried_digests(session: Session, rows: Sequence[models.PageVisitRow]) -> dict[int, dict[str, Any]]:
    """Digests of the visits that carried rows refer to, in one query."""
    roots = {row.carried_from_id for row in rows if row.carried_from_id is not None and row.digest is None}
    visit = models.PageVisitRow
    digests: dict[int, dict[str, Any]] = {}
    for chunk in chunks(sorted(roots)):
        found: Result[int, dict[str, Any] | None] = session.execute(
            select(visit.id, visit.digest).where(visit.id.in_(chunk), visit.digest.is_not(None))
        )
        digests.update({visit_id: digest for visit_id, digest in found if digest is not None})
    return digests
