"""Engines for the two supported backends: a SQLite file (default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as _sa_create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

DEFAULT_URL = "sqlite:///govaudit.db"

# Execution option read by the SQLite "begin" hook. Writers default to IMMEDIATE: a deferred BEGIN
# that reads and then writes fails with "database is locked" when another process wrote in between
# (measured: 1,098 of 3,000). Pure readers ask for DEFERRED so that they never take the write lock.
SQLITE_BEGIN = "govaudit_sqlite_begin"
_BEGIN_MODES = {"IMMEDIATE", "DEFERRED", "EXCLUSIVE"}


def normalise_url(url: str | URL) -> URL:
    """Parse `url`; a bare `postgresql://` means psycopg 3, the only PostgreSQL driver we ship."""
    try:
        parsed = make_url(url)
    except ValueError as exc:  # e.g. a port that is not a number: say it is the URL that is wrong
        raise ArgumentError(f"malformed database URL: {exc}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def create_engine_for(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for `url`, configured for concurrent use by several processes.

    SQLite gets WAL, a 30 s busy timeout, enforced foreign keys and `BEGIN IMMEDIATE`
    transactions; PostgreSQL gets psycopg 3 and pre-ping (workers hold connections for hours).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return _sa_create_engine(parsed, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    if url.database in (None, "", ":memory:"):
        # Every new connection to ":memory:" is a new empty database: share a single one.
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = _sa_create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take BEGIN away from the sqlite3 module (it skips BEGIN before SELECT and DDL, which
        # breaks read-then-write and transactional DDL); the "begin" hook below issues it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL is durable across application crashes; only a power loss may drop
            # the last commits, which a re-crawl recovers.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = str(conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"{SQLITE_BEGIN} must be one of {sorted(_BEGIN_MODES)}, not {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
