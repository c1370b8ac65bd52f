"""Run leases and stages (a run resumed by one process at a time, from the stage it reached) and
server-side web sessions (logout and a password change end them).

Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa

from storage.migrations.columns import add_columns, drop_columns
from storage.migrations.tables import create_tables, drop_tables, load_tables

revision = "0009_run_leases_and_sessions"
down_revision = "0011_visit_assets"


def upgrade() -> None:
    add_columns(
        "crawl_runs",
        sa.Column("stage", sa.String(16), nullable=False, server_default="crawl"),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audit_mark", sa.Integer(), nullable=True),
    )
    create_tables(load_tables(__file__))


def downgrade() -> None:
    drop_tables(load_tables(__file__))
    drop_columns("crawl_runs", "audit_mark", "lease_until", "lease_owner", "stage")
