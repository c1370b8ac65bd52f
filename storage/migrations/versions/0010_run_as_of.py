"""crawl_runs.as_of: the day a run's time-relative rules judged against (`--as-of`, default its start).

Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa

from storage.migrations.columns import added_columns

revision = "0010_run_as_of"
down_revision = "0008_user_settings"

upgrade, downgrade = added_columns("crawl_runs", sa.Column("as_of", sa.Date(), nullable=True))
