"""Persistent frontier; visit digests and carry-forward of unchanged pages; page-level findings.

Create Date: 2026-11-24 08:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_frontier"
down_revision = "0001_initial"

STATE_CHECK = "state IN ('pending', 'claimed', 'done')"


def upgrade() -> None:
    op.create_table(
        "frontier_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("referrer", sa.Text(), nullable=True),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("hops", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(STATE_CHECK, name="ck_frontier_entries_state"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name="fk_frontier_entries_run_id_crawl_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_frontier_entries"),
        sa.UniqueConstraint("run_id", "url_hash", name="uq_frontier_entries_run_id_url_hash"),
    )
    op.create_index("ix_frontier_entries_claim", "frontier_entries", ["run_id", "state", "depth", "id"])
    # batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("page_visits") as batch:
        batch.add_column(sa.Column("via", sa.Text(), nullable=False, server_default="link"))
        batch.add_column(sa.Column("digest", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_page_visits_carried_from_id_page_visits", "page_visits", ["carried_from_id"], ["id"]
        )
    with op.batch_alter_table("page_visits") as batch:
        batch.alter_column("via", server_default=None)
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_findings_visit_id_page_visits", "page_visits", ["visit_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_findings_visit_id", ["visit_id"])


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_visit_id")
        batch.drop_constraint("fk_findings_visit_id_page_visits", type_="foreignkey")
        batch.drop_column("visit_id")
    with op.batch_alter_table("page_visits") as batch:
        batch.drop_constraint("fk_page_visits_carried_from_id_page_visits", type_="foreignkey")
        batch.drop_column("carried_from_id")
        batch.drop_column("digest")
        batch.drop_column("via")
    op.drop_index("ix_frontier_entries_claim", table_name="frontier_entries")
    op.drop_table("frontier_entries")
