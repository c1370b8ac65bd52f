"""Small pieces of SQL the repositories share: the dialect's upsert, URL hashes, chunked IN lists."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, CursorResult, Result, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import models

T = TypeVar("T")

# SQLite caps the bound parameters of one statement (32,766 since 3.32): IN lists go in chunks.
IN_CHUNK = 10_000


def table_of(row: type[models.Base]) -> Table:
    """The Core table of a row class, typed as one (for statements executed for many rows)."""
    return models.Base.metadata.tables[row.__tablename__]


def columns_of(row: type[models.Base], *names: str) -> list[Column[Any]]:
    """The named columns of a row class's table, each once, in the order first named: what a query
    selects to read rows as columns rather than ORM objects (hundreds per run, each costly to build)."""
    table = table_of(row)
    return [table.c[name] for name in dict.fromkeys(names)]


def upsert(session: Session, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT support (both backends spell it the same way)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {name}")


def url_hash(url: str) -> str:
    """The sha256 hex a URL is unique by (PostgreSQL caps b-tree entries well below long URLs)."""
    return hashlib.sha256(url.encode()).hexdigest()


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(session: Session, row: type[models.Base], values: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows of `row`'s table, all in one INSERT ... RETURNING, and return their new ids in the
    order given. Core, not ORM objects: a run's findings, answers and each page's audit results are
    hundreds of rows that nothing reads back from the session, and the ORM's unit of work cost several
    times the statement."""
    if not values:
        return []
    table = table_of(row)
    return list(session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values).scalars())


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (its result is a cursor result; typed as the general one)."""
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def check_run_site(session: Session, run_id: int, site_id: int) -> None:
    """Guards against a pipeline mixing up ids: a page or answer filed under the wrong site would
    silently corrupt another country's results."""
    run_site = session.scalar(select(models.CrawlRunRow.site_id).where(models.CrawlRunRow.id == run_id))
    if run_site is None:
        raise LookupError(f"no run {run_id}")
    if run_site != site_id:
        raise ValueError(f"run {run_id} belongs to site {run_site}, not {site_id}")
