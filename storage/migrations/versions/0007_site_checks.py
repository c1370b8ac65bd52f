"""site_checks: what `govaudit sites verify` found for each registered site, one row per check.

Create Date: 2026-12-06 02:40:00

"""

from storage.migrations.tables import created_tables

revision = "0007_site_checks"
down_revision = "0006_confirmed_at"

upgrade, downgrade = created_tables(__file__)
