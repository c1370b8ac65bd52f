"""The tables a revision creates, read from the YAML file beside it (0004_web.yaml for 0004_web.py),
and the `op.create_table` calls built from them.

A revision's tables are frozen: they say what the schema was at that revision, so they are written
out as data and never taken from storage/models.py, whose tables change later. A table, with all it
may say (this one is made up):

    bookings:
      columns:                  # in this order; `null` after the type of a column that may be NULL
        id: integer
        site_id: integer
        room: varchar(16)
        note: text null
      primary_key: [id]         # the default
      checks:                   # name: the SQL condition every row meets
        room: "room <> ''"
      foreign_keys:             # column: the table whose `id` it refers to
        site_id: sites on delete cascade
      unique:
        - [site_id, room]
      indexes:                  # name: columns; made after the table, in this order
        ix_bookings_room: [room]

Types: integer, float, boolean, text, json, timestamp (with time zone), blob, varchar(<length>).
Constraints are named as storage/models.py names them (pk_<table>, fk_<table>_<column>_<referred
table>, uq_<table>_<columns>), so that later revisions can drop them by name on either backend.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

from storage.migrations.columns import Step

# What a type's name in a table's YAML means: fixed once a revision names it, as the revision is.
TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "integer": sa.Integer(),
    "float": sa.Float(),
    "boolean": sa.Boolean(),
    "text": sa.Text(),
    "json": sa.JSON(),
    "timestamp": sa.DateTime(timezone=True),
    "blob": sa.LargeBinary(),
}
_VARCHAR = re.compile(r"varchar\((\d+)\)")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML was built with it
_KEYS = {"columns", "primary_key", "checks", "foreign_keys", "unique", "indexes"}


@dataclass(frozen=True)
class Column:
    name: str
    type: sa.types.TypeEngine[Any]
    nullable: bool


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    cascade: bool  # deleting the referred row deletes this one


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    checks: tuple[tuple[str, str], ...]
    foreign_keys: tuple[ForeignKey, ...]
    unique: tuple[tuple[str, ...], ...]
    indexes: tuple[tuple[str, tuple[str, ...]], ...]

    def create(self) -> None:
        # New Column and constraint objects on each call: Alembic keeps those a table is made of,
        # and the tests upgrade many databases in one process. CREATE TABLE lists the primary key,
        # then the other constraints in the order they are made here: checks, foreign keys, unique.
        name = self.name
        columns = [sa.Column(c.name, c.type, nullable=c.nullable) for c in self.columns]
        # The check's name gets ck_<table>_ twice: once here, and once more from the naming convention
        # (env.py gives Alembic the models' metadata). The databases hold ck_users_ck_users_role.
        checks = [sa.CheckConstraint(sql, name=f"ck_{name}_{check}") for check, sql in self.checks]
        references = [
            sa.ForeignKeyConstraint(
                [key.column],
                [f"{key.table}.id"],
                name=f"fk_{name}_{key.column}_{key.table}",
                ondelete="CASCADE" if key.cascade else None,
            )
            for key in self.foreign_keys
        ]
        unique = [sa.UniqueConstraint(*names, name=f"uq_{name}_{'_'.join(names)}") for names in self.unique]
        primary_key = sa.PrimaryKeyConstraint(*self.primary_key, name=f"pk_{name}")
        op.create_table(name, *columns, *checks, *references, *unique, primary_key)
        for index, indexed in self.indexes:
            op.create_index(index, name, list(indexed))

    def drop(self) -> None:
        for index, _ in reversed(self.indexes):
            op.drop_index(index, table_name=self.name)
        op.drop_table(self.name)


def load_tables(revision_file: str) -> tuple[Table, ...]:
    """The tables in the YAML file beside `revision_file` (a revision's `__file__`), in its order."""
    return _read(Path(revision_file).with_suffix(".yaml"))


@functools.cache
def _read(path: Path) -> tuple[Table, ...]:
    # Read when a revision runs, not when Alembic imports it (it imports every revision on each
    # command), and once per process: the tests migrate many databases.
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    return tuple(_table(name, spec) for name, spec in data.items())


def create_tables(tables: Sequence[Table]) -> None:
    for table in tables:
        table.create()


def drop_tables(tables: Sequence[Table]) -> None:
    """The last created first: a table may refer to an earlier one."""
    for table in reversed(tables):
        table.drop()


def created_tables(revision_file: str) -> tuple[Step, Step]:
    """A revision's `upgrade, downgrade` when all it does is create the tables of its YAML file."""

    def upgrade() -> None:
        create_tables(load_tables(revision_file))

    def downgrade() -> None:
        drop_tables(load_tables(revision_file))

    return upgrade, downgrade


def _table(name: str, spec: dict[str, Any]) -> Table:
    if "columns" not in spec or not set(spec) <= _KEYS:
        raise ValueError(f"table {name}: has {sorted(spec)}; it needs columns and may have {sorted(_KEYS)}")
    return Table(
        name=name,
        columns=tuple(_column(name, column, text) for column, text in spec["columns"].items()),
        primary_key=tuple(spec.get("primary_key", ["id"])),
        checks=tuple(spec.get("checks", {}).items()),
        foreign_keys=tuple(_foreign_key(name, column, text) for column, text in spec.get("foreign_keys", {}).items()),
        unique=tuple(tuple(names) for names in spec.get("unique", [])),
        indexes=tuple((index, tuple(names)) for index, names in spec.get("indexes", {}).items()),
    )


def _column(table: str, name: str, text: str) -> Column:
    kind, *rest = text.split()
    varchar = _VARCHAR.fullmatch(kind)
    if rest not in ([], ["null"]) or not (varchar or kind in TYPES):
        raise ValueError(f"{table}.{name}: {text!r} is not `type` or `type null` with a type of {sorted(TYPES)}")
    return Column(name, sa.String(int(varchar[1])) if varchar else TYPES[kind], nullable=bool(rest))


def _foreign_key(table: str, column: str, text: str) -> ForeignKey:
    referred, *rest = text.split()
    if rest not in ([], ["on", "delete", "cascade"]):
        raise ValueError(f"{table}.{column}: {text!r} is not `table` or `table on delete cascade`")
    return ForeignKey(column, referred, cascade=bool(rest))
