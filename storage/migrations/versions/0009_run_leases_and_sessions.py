"""Run leases and stages (a run resumed by one process at a time, from the stage it reached) and
server-side web sessions (logout and a password change end them).

Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.columns import add_columns, drop_columns

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
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),  # sha-256 of the token in the cookie
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_user", table_name="web_sessions")
    op.drop_table("web_sessions")
    drop_columns("crawl_runs", "audit_mark", "lease_until", "lease_owner", "stage")
