"""sites.registered and the run status `interrupted`.

`govaudit audit` keeps a site row for its runs (the trend over runs reads them) without putting the
site in the registry that `sites list`, `assess --country` and `nightly` read: `registered` says
which rows are the registry. Existing rows were all registered by whoever ran them, and stay so.
A run stopped by Ctrl-C whose report was still written ends as `interrupted`.

Revision ID: 0013_registry_and_interrupted
Revises: 0009_run_leases_and_sessions
Create Date: 2026-12-06 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_registry_and_interrupted"
down_revision: str | Sequence[str] | None = "0009_run_leases_and_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('running', 'completed', 'failed')"
NEW_STATUSES = "status IN ('running', 'completed', 'failed', 'interrupted')"


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("registered", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_status", type_="check")
        batch.create_check_constraint("ck_crawl_runs_status", NEW_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE crawl_runs SET status = 'failed' WHERE status = 'interrupted'")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_status", type_="check")
        batch.create_check_constraint("ck_crawl_runs_status", OLD_STATUSES)
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("registered")
