"""page_visits.assets: the stylesheets and scripts a rendered page loaded, with their content hashes.

A page is carried forward to the next run only if its document and these are unchanged: a new
stylesheet (text turned #ccc on white) changes what the audits find while the HTML stays the same.
Null for visits recorded before, or not rendered: such a page is audited again when it matters.

Revision ID: 0011_visit_assets
Revises: 0010_run_as_of
Create Date: 2026-12-06 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_visit_assets"
down_revision: str | Sequence[str] | None = "0010_run_as_of"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("page_visits") as batch:
        batch.add_column(sa.Column("assets", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("page_visits") as batch:
        batch.drop_column("assets")
