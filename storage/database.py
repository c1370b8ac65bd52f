"""One database: its engine and the unit of work every repository writes through.

Each repository call is one short transaction and returns ids or frozen records, never ORM objects,
so callers cannot hold a session (and, on SQLite, the write lock) longer than the call runs.
`atomic()` joins several calls into one transaction where a crash must keep all or none of them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlalchemy import Engine, Select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from storage import migrate
from storage.engine import DEFAULT_URL, SQLITE_BEGIN, create_engine_for, normalise_url
from storage.mapping import Mapper

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


class Database:
    """An engine and its sessions. Use as a context manager, or call `close()`."""

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
        return f"{type(self).__name__}({self.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """A Session inside one transaction, committed on exit and rolled back on error.

        On SQLite a writing transaction starts with BEGIN IMMEDIATE, so read-then-write work (claim
        the next frontier row, then mark it) is serialised across processes instead of failing with
        "database is locked". Pass `readonly=True` for pure reads.
        """
        ambient: Session | None = getattr(self._local, "session", None)
        if ambient is not None:  # inside `atomic()`: join its transaction
            yield ambient
            return
        factory = self._reader if readonly else self._writer
        with factory() as session, session.begin():
            yield session

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Several calls as one transaction (in this thread): a crash keeps all or none of them
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

    def upgrade_once(self) -> None:
        """`upgrade`, under an advisory lock on PostgreSQL: two workers started at the same moment
        would otherwise both try to create the same tables, and one would fail."""
        migrate.upgrade_locked(self.engine)


class Repository:
    """A set of related queries over one `Database`: each public method is one unit of work."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _read(self, mapper: Mapper[T], stmt: Select[Any]) -> list[T]:
        """The records of the rows `stmt` selects, in its order."""
        with self.db.transaction(readonly=True) as session:
            return [mapper.build(row) for row in session.scalars(stmt)]
