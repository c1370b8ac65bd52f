"""crawl_runs.trend_point: the run's point on its site's trend chart, stored when its report is built.

A report draws the trend of the site's earlier completed runs; with the point stored, it reads them
instead of loading each earlier run whole. Runs stored before this revision have none (NULL): their
point is computed from their results, as before.

Revision ID: 0014_run_trend_point
Revises: 0012_element_screenshots
Create Date: 2026-12-06 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_run_trend_point"
down_revision: str | Sequence[str] | None = "0012_element_screenshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("trend_point", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not in a batch: on SQLite a batch copies crawl_runs into a new table, and dropping the old one
    # breaks the foreign keys of a database that holds runs. SQLite drops a column itself since 3.35.
    op.drop_column("crawl_runs", "trend_point")
