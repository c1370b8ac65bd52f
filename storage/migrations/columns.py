"""The change most revisions make: columns added to one table, undone by dropping them again.

Both in batch mode: SQLite cannot alter a table in place, so Alembic copies it into a new one; on
PostgreSQL a batch is the plain ALTER TABLE statements. A column given here may be used by several
upgrades in one process (the tests migrate many databases): Alembic adds a copy of it each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

Step = Callable[[], None]


def add_columns(table: str, *columns: sa.Column[Any]) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    with op.batch_alter_table(table) as batch:
        for name in names:
            batch.drop_column(name)


def added_columns(table: str, *columns: sa.Column[Any]) -> tuple[Step, Step]:
    """A revision's `upgrade, downgrade` when all it does is add `columns` to `table`: the downgrade
    drops them, the last added first."""
    names = [column.name for column in reversed(columns)]

    def upgrade() -> None:
        add_columns(table, *columns)

    def downgrade() -> None:
        drop_columns(table, *names)

    return upgrade, downgrade
