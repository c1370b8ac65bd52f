"""storage/migrations/tables.py: a revision's tables read from YAML, and the tables made from them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storage.migrations.tables import create_tables, drop_tables, load_tables

BOOKINGS = """
sites:
  columns:
    id: integer
bookings:
  columns:
    id: integer
    site_id: integer
    room: varchar(16)
    note: text null
  checks:
    room: "room <> ''"
  foreign_keys:
    site_id: sites on delete cascade
  unique:
    - [site_id, room]
  indexes:
    ix_bookings_room: [room]
"""


def _revision(tmp_path: Path, yaml_text: str) -> str:
    """A revision's file beside its YAML, as load_tables is given `__file__`."""
    (tmp_path / "0099_example.yaml").write_text(yaml_text, encoding="utf-8")
    return str(tmp_path / "0099_example.py")


def _migrate(connection: Connection, step: Callable[[], None]) -> None:
    with Operations.context(MigrationContext.configure(connection)):
        step()


def test_tables_are_made_as_their_yaml_says_and_dropped_again(tmp_path: Path) -> None:
    tables = load_tables(_revision(tmp_path, BOOKINGS))
    assert [t.name for t in tables] == ["sites", "bookings"]
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    with engine.begin() as conn:
        _migrate(conn, lambda: create_tables(tables))
        schema = inspect(conn)
        columns = {c["name"]: c for c in schema.get_columns("bookings")}
        assert list(columns) == ["id", "site_id", "room", "note"]
        assert [c["nullable"] for c in columns.values()] == [False, False, False, True]
        assert str(columns["room"]["type"]) == "VARCHAR(16)"
        assert schema.get_pk_constraint("bookings") == {"constrained_columns": ["id"], "name": "pk_bookings"}
        (key,) = schema.get_foreign_keys("bookings")
        assert (key["name"], key["referred_table"], key["options"]) == (
            "fk_bookings_site_id_sites",
            "sites",
            {"ondelete": "CASCADE"},
        )
        assert [u["name"] for u in schema.get_unique_constraints("bookings")] == ["uq_bookings_site_id_room"]
        assert [(i["name"], i["column_names"]) for i in schema.get_indexes("bookings")] == [
            ("ix_bookings_room", ["room"])
        ]
        conn.execute(text("INSERT INTO sites (id) VALUES (1)"))
        with pytest.raises(IntegrityError):  # the check
            conn.execute(text("INSERT INTO bookings (site_id, room) VALUES (1, '')"))
        conn.execute(text("INSERT INTO bookings (site_id, room) VALUES (1, 'a')"))
        conn.execute(text("DELETE FROM sites"))
        assert conn.execute(text("SELECT count(*) FROM bookings")).scalar_one() == 0  # cascade
        _migrate(conn, lambda: drop_tables(tables))
        assert inspect(conn).get_table_names() == []
    engine.dispose()


@pytest.mark.parametrize(
    ("yaml_text", "refusal"),
    [
        ("t:\n  columns:\n    a: integr\n", "t.a: 'integr'"),
        ("t:\n  columns:\n    a: text nul\n", "t.a: 'text nul'"),
        ("t:\n  columns:\n    a: text\n  foreign_keys:\n    a: sites cascade\n", "t.a: 'sites cascade'"),
        ("t:\n  columns:\n    a: text\n  index:\n    ix_t_a: [a]\n", "table t: has ['columns', 'index']"),
    ],
)
def test_a_table_the_loader_cannot_read_is_refused_by_name(tmp_path: Path, yaml_text: str, refusal: str) -> None:
    with pytest.raises(ValueError, match=refusal.replace("[", r"\[")):
        load_tables(_revision(tmp_path, yaml_text))
