"""The assessor web app: login attempts (rate limiting) and imported TII/HCI indicators.

Create Date: 2026-11-25 10:00:00

"""

from storage.migrations.tables import created_tables

revision = "0004_web"
down_revision = "0002_frontier"

upgrade, downgrade = created_tables(__file__)
