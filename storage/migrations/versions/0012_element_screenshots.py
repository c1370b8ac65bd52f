"""element_screenshots: highlighted crops of failing elements and a view of each page, taken while
the page was open in the browser.

Create Date: 2026-12-06 05:40:00

"""

from storage.migrations.tables import created_tables

revision = "0012_element_screenshots"
down_revision = "0013_registry_and_interrupted"

upgrade, downgrade = created_tables(__file__)
