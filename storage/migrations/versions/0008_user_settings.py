"""user_settings: each person's interface language and whether single-key shortcuts are on.

Create Date: 2026-12-06 03:00:00

"""

from storage.migrations.tables import created_tables

revision = "0008_user_settings"
down_revision = "0007_site_checks"

upgrade, downgrade = created_tables(__file__)
