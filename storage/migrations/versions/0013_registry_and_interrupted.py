"""sites.registered and the run status `interrupted`.

`govaudit audit` keeps a site row for its runs (the trend over runs reads them) without putting the
site in the registry that `sites list`, `assess --country` and `nightly` read: `registered` says
which rows are the registry. Existing rows were all registered by whoever ran them, and stay so.
A run stopped by Ctrl-C whose report was still written ends as `interrupted`.

Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.columns import add_columns, drop_columns

revision = "0013_registry_and_interrupted"
down_revision = "0009_run_leases_and_sessions"

OLD_STATUSES = "status IN ('running', 'completed', 'failed')"
NEW_STATUSES = "status IN ('running', 'completed', 'failed', 'interrupted')"


def upgrade() -> None:
    add_columns("sites", sa.Column("registered", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_status", type_="check")
        batch.create_check_constraint("ck_crawl_runs_status", NEW_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE crawl_runs SET status = 'failed' WHERE status = 'interrupted'")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_status", type_="check")
        batch.create_check_constraint("ck_crawl_runs_status", OLD_STATUSES)
    drop_columns("sites", "registered")
