"""crawl_runs.as_of: the day a run's time-relative rules judged against (`--as-of`, default its start).

Revision ID: 0010_run_as_of
Revises: 0008_user_settings
Create Date: 2026-12-06 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_run_as_of"
down_revision: str | Sequence[str] | None = "0008_user_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("as_of")
