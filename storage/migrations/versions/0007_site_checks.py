"""site_checks: what `govaudit sites verify` found for each registered site, one row per check.

Create Date: 2026-12-06 02:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_site_checks"
down_revision = "0006_confirmed_at"


def upgrade() -> None:
    op.create_table(
        "site_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("redirects", sa.JSON(), nullable=False),
        sa.Column("official_domain", sa.Boolean(), nullable=False),
        sa.Column("parked", sa.Boolean(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('verified', 'moved', 'dead')", name="ck_site_checks_status"),
    )
    op.create_index("ix_site_checks_site_checked", "site_checks", ["site_id", "checked_at"])


def downgrade() -> None:
    op.drop_index("ix_site_checks_site_checked", table_name="site_checks")
    op.drop_table("site_checks")
