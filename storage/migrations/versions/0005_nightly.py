"""Nightly batches: which sites a `govaudit nightly` enqueued, and how each one ended.

Create Date: 2026-11-25 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_nightly"
down_revision = "0004_web"


def upgrade() -> None:
    op.create_table(
        "nightly_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nightly_batches"),
    )
    op.create_table(
        "nightly_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="ck_nightly_items_state"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["nightly_batches.id"],
            name="fk_nightly_items_batch_id_nightly_batches",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_nightly_items_site_id_sites"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name="fk_nightly_items_run_id_crawl_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_nightly_items"),
        sa.UniqueConstraint("batch_id", "site_id", name="uq_nightly_items_batch_id_site_id"),
    )
    op.create_index("ix_nightly_items_run", "nightly_items", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_nightly_items_run", table_name="nightly_items")
    op.drop_table("nightly_items")
    op.drop_table("nightly_batches")
