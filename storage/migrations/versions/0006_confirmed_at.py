"""page_visits.confirmed_at: when a request last showed a carried page's content.

A page carried forward without a request (its sitemap lastmod was trusted) keeps the time of the
last request that saw it, so the next run measures the sitemap's claim and the revisit age against
what the crawler really saw. Null for a visit that made its own request: `fetched_at` says it.

Create Date: 2026-11-24 12:45:00

"""

import sqlalchemy as sa

from storage.migrations.columns import added_columns

revision = "0006_confirmed_at"
down_revision = "0005_nightly"

upgrade, downgrade = added_columns("page_visits", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
