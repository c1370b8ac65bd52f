"""Persistent frontier; visit digests and carry-forward of unchanged pages; page-level findings.

Create Date: 2026-11-24 08:50:00

"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import create_tables, drop_tables, load_tables

revision = "0002_frontier"
down_revision = "0001_initial"


def upgrade() -> None:
    create_tables(load_tables(__file__))
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
    drop_tables(load_tables(__file__))
