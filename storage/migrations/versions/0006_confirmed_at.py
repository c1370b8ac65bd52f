"""page_visits.confirmed_at: when a request last showed a carried page's content.

A page carried forward without a request (its sitemap lastmod was trusted) keeps the time of the
last request that saw it, so the next run measures the sitemap's claim and the revisit age against
what the crawler really saw. Null for a visit that made its own request: `fetched_at` says it.

Revision ID: 0006_confirmed_at
Revises: 0005_nightly
Create Date: 2026-11-24 12:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_confirmed_at"
down_revision: str | Sequence[str] | None = "0005_nightly"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("page_visits") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("page_visits") as batch:
        batch.drop_column("confirmed_at")
