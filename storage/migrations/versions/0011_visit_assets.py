"""page_visits.assets: the stylesheets and scripts a rendered page loaded, with their content hashes.

A page is carried forward to the next run only if its document and these are unchanged: a new
stylesheet (text turned #ccc on white) changes what the audits find while the HTML stays the same.
Null for visits recorded before, or not rendered: such a page is audited again when it matters.

Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa

from storage.migrations.columns import added_columns

revision = "0011_visit_assets"
down_revision = "0010_run_as_of"

upgrade, downgrade = added_columns("page_visits", sa.Column("assets", sa.JSON(), nullable=True))
