"""Nightly batches: which sites a `govaudit nightly` enqueued, and how each one ended.

Create Date: 2026-11-25 12:00:00

"""

from storage.migrations.tables import created_tables

revision = "0005_nightly"
down_revision = "0004_web"

upgrade, downgrade = created_tables(__file__)
