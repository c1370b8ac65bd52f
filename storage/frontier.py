"""The crawler's `Frontier` protocol, kept in the database so a killed crawl resumes.

Claiming is read-then-write: on SQLite the store's transactions begin IMMEDIATE (one writer at a
time, no "database is locked"); on PostgreSQL `FOR UPDATE SKIP LOCKED` lets several workers claim
from one run without waiting on each other. Completion is not done here: `VisitRepository.record`
marks the entry done in the same transaction that records the page, so a page is recorded
exactly once however the process dies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import func, select, update

from crawler.frontier import FrontierEntry
from storage import models
from storage.database import Database
from storage.sql import rowcount, table_of, upsert


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _seen(digest: str) -> int:
    # The set of a large site's URLs in memory: 128 bits of the digest as an int take 44 bytes where
    # the 64-character hex string takes 113 (no collision to fear among a crawl's URLs).
    return int(digest[:32], 16)


class StoreFrontier:
    """One crawl of one run at a time uses it (a Celery task per run), so the set of URL hashes
    already in the frontier is kept in memory too: a page's links are filtered here and the new
    ones written in one statement, instead of one round trip per link."""

    def __init__(self, store: Database, run_id: int) -> None:
        self.store = store
        self.run_id = run_id
        row = models.FrontierEntryRow
        with self.store.transaction(readonly=True) as session:
            self._hashes = {_seen(h) for h in session.scalars(select(row.url_hash).where(row.run_id == self.run_id))}

    def _count(self, state: str) -> int:
        row = models.FrontierEntryRow
        stmt = select(func.count()).select_from(row).where(row.run_id == self.run_id, row.state == state)
        with self.store.transaction(readonly=True) as session:
            return int(session.scalar(stmt) or 0)

    def add(self, entries: Sequence[FrontierEntry], limit: int | None = None) -> int:
        rows: dict[str, dict[str, object]] = {}
        for entry in entries:
            if limit is not None and len(rows) >= limit:
                break
            digest = key_hash(entry.key)
            if digest in rows or _seen(digest) in self._hashes:
                continue
            rows[digest] = {
                "run_id": self.run_id,
                "url": entry.url,
                "url_hash": digest,
                "depth": entry.depth,
                "referrer": entry.referrer,
                "via": entry.via,
                "hops": entry.hops,
                "state": "pending",
            }
        if not rows:
            return 0
        table = table_of(models.FrontierEntryRow)
        with self.store.transaction() as session:
            # One statement executed for many rows: compiled once and cached, where a multi-row
            # VALUES would be compiled again for every length. ON CONFLICT still guards the unique
            # key should another process have added one meanwhile.
            stmt = upsert(session, table).on_conflict_do_nothing(index_elements=["run_id", "url_hash"])
            session.connection().execute(stmt, list(rows.values()))
        self._hashes.update(map(_seen, rows))
        return len(rows)

    def claim(self, limit: int) -> list[FrontierEntry]:
        if limit <= 0:
            return []
        row = table_of(models.FrontierEntryRow).c
        with self.store.transaction() as session:
            # Core rows, not ORM objects: nothing here needs identity tracking, and an ORM UPDATE
            # would synchronise the session with every object it loaded.
            connection = session.connection()
            stmt = (
                select(row.id, row.url, row.depth, row.referrer, row.via, row.hops)
                .where(row.run_id == self.run_id, row.state == "pending")
                .order_by(row.depth, row.id)
                .limit(limit)
            )
            if connection.dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = connection.execute(stmt).all()
            if rows:
                connection.execute(
                    update(table_of(models.FrontierEntryRow))
                    .where(row.id.in_([r.id for r in rows]))
                    .values(state="claimed", claimed_at=models.utcnow())
                )
            return [FrontierEntry(r.url, r.depth, r.referrer, r.via, r.hops) for r in rows]

    def complete(self, entry: FrontierEntry) -> None:
        """Nothing to do: `VisitRepository.record` marked the entry done with the page."""

    def release(self) -> int:
        row = models.FrontierEntryRow
        with self.store.transaction() as session:
            result = session.execute(
                update(row)
                .where(row.run_id == self.run_id, row.state == "claimed")
                .values(state="pending", claimed_at=None)
            )
            return rowcount(result)

    def known(self) -> int:
        return len(self._hashes)

    def pending(self) -> int:
        return self._count("pending")
