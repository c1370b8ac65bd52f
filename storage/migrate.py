"""Alembic, configured in code: no alembic.ini to keep in sync with the package location."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from storage.engine import create_engine_for, normalise_url
from storage.models import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x60FA0D17  # any constant: the PostgreSQL advisory lock id every worker shares


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic Config pointing at storage/migrations (and at `url` when given).

    env.py prefers a connection passed in `config.attributes["connection"]`, so the URL is only
    used by commands run without one (`revision --autogenerate`, offline SQL).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # ConfigParser interpolates "%": double it so URL-escaped passwords survive.
        rendered = normalise_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


class ForeignDatabase(RuntimeError):
    """A SQLite file that holds another application's tables: govaudit will not add its own to it."""


def upgrade(url: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the latest schema)."""

    def check_then_upgrade(config: Config) -> None:
        connection = config.attributes["connection"]
        tables = set(inspect(connection).get_table_names())
        _refuse_foreign(connection, tables)
        if revision == "head" and not tables:
            # A new database: made at head in one step from the models, then stamped, as Alembic's cookbook
            # does it. The revisions, one by one, build the same schema (tests/storage/test_migrations.py)
            # at several times the cost: on SQLite most of them copy a whole table to change it.
            Base.metadata.create_all(connection)
            command.stamp(config, revision)
            return
        # Already there (every command of a process after its first): Alembic would load every revision
        # file again to find nothing to do.
        if revision == "head" and _at(connection) == _heads():
            return
        command.upgrade(config, revision)

    _run(url, check_then_upgrade)


def upgrade_locked(engine: Engine) -> None:
    """`upgrade` under a PostgreSQL advisory lock, so that processes starting together migrate one
    after the other (SQLite's BEGIN IMMEDIATE already serialises them)."""
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        try:
            upgrade(engine)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
            conn.commit()


def _refuse_foreign(connection: Connection, tables: set[str]) -> None:
    # Only for SQLite: a file belongs to one application, while a PostgreSQL database may well be
    # shared with others' tables.
    if connection.dialect.name != "sqlite":
        return
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise ForeignDatabase(
            f"{connection.engine.url.database} is not a govaudit database (it holds other tables: {shown}); "
            "point GOVAUDIT_DATABASE_URL at a new file or at a govaudit database"
        )


@cache
def _heads() -> tuple[str, ...]:
    """The latest revisions: the revision files are part of the package and do not change while it runs."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def _at(connection: Connection) -> tuple[str, ...]:
    """The revisions the database is stamped with (none for an empty one)."""
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def downgrade(url: str | URL | Engine, revision: str) -> None:
    _run(url, lambda config: command.downgrade(config, revision))


def _run(url: str | URL | Engine, action: Callable[[Config], object]) -> None:
    engine = url if isinstance(url, Engine) else create_engine_for(url)
    try:
        # One transaction for the whole upgrade: on SQLite too, thanks to the BEGIN hook, so a
        # failed migration leaves the previous schema intact rather than half a new one.
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config)
    finally:
        if engine is not url:
            engine.dispose()
