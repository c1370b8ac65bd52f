"""crawl_runs.trend_point: the run's point on its site's trend chart, stored when its report is built.

A report draws the trend of the site's earlier completed runs; with the point stored, it reads them
instead of loading each earlier run whole. Runs stored before this revision have none (NULL): their
point is computed from their results, as before.

Create Date: 2026-12-06 12:00:00

"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.columns import add_columns

revision = "0014_run_trend_point"
down_revision = "0012_element_screenshots"


def upgrade() -> None:
    add_columns("crawl_runs", sa.Column("trend_point", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not in a batch: on SQLite a batch copies crawl_runs into a new table, and dropping the old one
    # breaks the foreign keys of a database that holds runs. SQLite drops a column itself since 3.35.
    op.drop_column("crawl_runs", "trend_point")
