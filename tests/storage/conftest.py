"""Backends for the storage tests: a SQLite file per test, and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import Store

POSTGRES_ADMIN_URL = os.environ.get(
    "GOVAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "no server here", not a test failure
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    finally:
        engine.dispose()
    return POSTGRES_ADMIN_URL


@contextmanager
def _throwaway_database(admin_url: str, template: str = "") -> Iterator[str]:
    """A new database (a copy of `template` if given), dropped on exit; yields its URL."""
    name = f"govaudit_test_{uuid.uuid4().hex[:8]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            # FORCE: a test that failed may have left a connection open.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    with _throwaway_database(postgres_admin_url) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_migrated_template(postgres_admin_url: str) -> Iterator[str]:
    """The name of a database migrated to head once per test process (every migration run on
    PostgreSQL), which tests wanting a migrated database copy: a copy is a file copy on the server,
    where running the migrations again costs seconds of commits per test."""
    with _throwaway_database(postgres_admin_url) as url:
        with Store(url) as store:
            store.upgrade()
        yield str(make_url(url).database)


@pytest.fixture
def postgres_migrated_url(postgres_admin_url: str, postgres_migrated_template: str) -> Iterator[str]:
    with _throwaway_database(postgres_admin_url, template=postgres_migrated_template) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{tmp_path}/govaudit.db"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_db_urls(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[tuple[str, str]]:
    """Two empty databases on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/one.db", f"sqlite:///{tmp_path}/two.db"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    with _throwaway_database(admin_url) as one, _throwaway_database(admin_url) as two:
        yield one, two


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A Store over a freshly migrated database on each backend (on PostgreSQL a copy of the migrated
    template; `upgrade()` then finds it at head)."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_migrated_url"
    with Store(str(request.getfixturevalue(fixture))) as s:
        s.upgrade()
        yield s
