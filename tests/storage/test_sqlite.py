"""The SQLite recipe: WAL, busy timeout, foreign keys, BEGIN IMMEDIATE, two writer processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path
from queue import Empty
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import DEFAULT_URL, Store, create_engine_for, models

ROWS_PER_PROCESS = 200


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Any:
    with Store(f"sqlite:///{tmp_path}/govaudit.db") as store:
        store.upgrade()
        yield store


def test_default_url_is_a_local_sqlite_file() -> None:
    assert DEFAULT_URL == "sqlite:///govaudit.db"


def test_pragmas_are_set_on_every_connection(sqlite_store: Store) -> None:
    for _ in range(2):  # a second checkout, possibly a new connection, gets them as well
        with sqlite_store.engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
        assert pragma == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 30000, "foreign_keys": 1}
    assert Path(str(sqlite_store.url.database) + "-wal").exists()


def test_foreign_keys_are_enforced(sqlite_store: Store) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        sqlite_store.runs.start(12345, {})


def test_writing_transaction_takes_the_write_lock_at_begin(sqlite_store: Store) -> None:
    path = str(sqlite_store.url.database)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with sqlite_store.transaction() as session:
            session.execute(select(1))  # a read only: a deferred BEGIN would not lock yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        with sqlite_store.transaction(readonly=True) as session:
            session.execute(select(1))
            other.execute("BEGIN IMMEDIATE")  # readers leave the write lock free
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_in_memory_database_is_shared_by_the_store() -> None:
    with Store("sqlite://") as store:
        store.upgrade()
        user_id = store.users.add("a", "admin", "h", [])
        with store.transaction(readonly=True) as session:
            assert session.get_one(models.UserRow, user_id).name == "a"


def test_bare_postgresql_url_uses_psycopg3() -> None:
    engine = create_engine_for("postgresql://u:p@127.0.0.1:1/db")
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def _writer(url: str, tag: str, start: Barrier, results: Any) -> None:
    """Read the row count, then insert a row carrying it: a read-then-write in one transaction."""
    seen: list[int] = []
    errors: list[str] = []
    with Store(url) as store:
        store.runs.latest_id("warm-up")  # connect before the race, not during it
        start.wait(60)  # both processes start writing together (spawn start-up takes ~0.5 s)
        began = time.time()
        for i in range(ROWS_PER_PROCESS):
            try:
                with store.transaction() as session:
                    count = session.scalar(select(func.count()).select_from(models.UserRow))
                    assert count is not None
                    session.add(
                        models.UserRow(name=f"{tag}-{i}", role="assessor", password_hash="-", countries=[count])
                    )
                seen.append(count)
            except OperationalError as exc:
                errors.append(str(exc.orig))
        ended = time.time()
    results.put((tag, seen, errors, (began, ended)))


def test_two_processes_write_without_database_is_locked(sqlite_store: Store) -> None:
    url = sqlite_store.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")  # no engine or connection inherited across fork
    start = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, tag, start, results)) for tag in ("a", "b")]
    for proc in procs:
        proc.start()
    outcome: dict[str, tuple[list[int], list[str], tuple[float, float]]] = {}
    try:
        for _ in procs:
            tag, seen, errors, window = results.get(timeout=120)
            outcome[tag] = (seen, errors, window)
    except Empty:
        pytest.fail(f"writers did not finish; got {sorted(outcome)}")
    finally:
        for proc in procs:
            proc.join(30)
            if proc.is_alive():
                proc.kill()

    assert [p.exitcode for p in procs] == [0, 0]
    assert outcome["a"][1] == [] and outcome["b"][1] == [], "database is locked"
    seen_a, seen_b = outcome["a"][0], outcome["b"][0]
    assert len(seen_a) == len(seen_b) == ROWS_PER_PROCESS
    # Every transaction saw every earlier commit: the counts are 0..399 with no repeats, which a
    # lost update (two transactions reading the same count) would break.
    assert sorted(seen_a + seen_b) == list(range(2 * ROWS_PER_PROCESS))
    with sqlite_store.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(models.UserRow)) == 2 * ROWS_PER_PROCESS
    # The processes really contended: each was writing while the other was. (Commits need not
    # interleave: SQLite's busy handler sleeps, so one writer may finish its burst first.)
    (began_a, ended_a), (began_b, ended_b) = outcome["a"][2], outcome["b"][2]
    assert began_a < ended_b and began_b < ended_a
