"""What a site's last completed run saw, read back for the next crawl's revisit policy.

Of each page's digest only the links are read (the database extracts them): a carried page needs
them to keep discovery going, and its text, forms and measurements are read from the visit it
carries forward by whoever needs them, never from here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session

from crawler.incremental import PreviousVisit
from crawler.snapshot import Link
from crawler.urls import url_key
from storage import models
from storage.mappers import PREVIOUS, stored_links
from storage.sql import table_of

PAGES = table_of(models.PageRow)
VISITS = table_of(models.PageVisitRow)


def previous_visits(session: Session, run_id: int, *, links: bool) -> dict[str, PreviousVisit]:
    """The visits of run `run_id` that a crawl may carry forward, per URL key. Results point at the
    visit that really did the work. With `links=False` the links stay in the store (see
    `VisitRepository.previous`)."""
    # Core columns on the session's connection: thousands of rows, no ORM objects wanted.
    connection = session.connection()
    rows = connection.execute(_statement(run_id, links=links, sqlite=connection.dialect.name == "sqlite"))
    previous = {}
    # A site's navigation is the same links on every page: one Link object each, shared.
    shared: dict[tuple[str, ...], Link] = {}
    for row in rows:
        if (row.stored is None) if links else (not row.stored):  # no digest to carry forward: fetched as if new
            continue
        previous[url_key(row.url)] = _previous(row, stored_links(row.stored, shared) if links else (), links)
    return previous


def _statement(run_id: int, *, links: bool, sqlite: bool) -> Select[Any]:
    roots = VISITS.alias("root")
    visit, page, root = VISITS.c, PAGES.c, roots.c
    if links:
        # A carried visit keeps no digest: the links are those of the visit it carries.
        stored: Any = case((visit.carried_from_id.is_(None), visit.digest["links"]), else_=root.digest["links"])
    else:
        # Whether there is a digest at all (a visit recorded before digests were has none), by a
        # test that does not read it: SQLite's IS NULL loads the value, typeof() of a column does
        # not (of a CASE it does).
        def has(digest: Any) -> Any:
            return func.typeof(digest) != "null" if sqlite else digest.is_not(None)

        stored = case((visit.carried_from_id.is_(None), has(visit.digest)), else_=has(root.digest))
    return (
        select(
            page.url,
            visit.id,
            visit.fetched_at,
            visit.confirmed_at,
            *(visit[column] for column in PREVIOUS.columns),
            stored.label("stored"),
        )
        .select_from(VISITS.join(PAGES, page.id == visit.page_id).outerjoin(roots, root.id == visit.carried_from_id))
        .where(visit.run_id == run_id, visit.status.in_(("ok", "not_modified")))
    )


def _previous(row: Row[Any], links: tuple[Link, ...], links_read: bool) -> PreviousVisit:
    headers: dict[str, str] = row.headers
    return PreviousVisit(
        visit_id=row.carried_from_id or row.id,
        content_hash=row.content_hash,
        etag=headers.get("etag", ""),
        last_modified=headers.get("last-modified", ""),
        snapshot=PREVIOUS.build(row, requested_url=row.url, links=links),
        confirmed_at=row.confirmed_at or row.fetched_at,
        links_read=links_read,
    )
