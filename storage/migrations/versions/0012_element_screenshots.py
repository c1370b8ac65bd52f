"""element_screenshots: highlighted crops of failing elements and a view of each page, taken while
the page was open in the browser.

Create Date: 2026-12-06 05:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_element_screenshots"
down_revision = "0013_registry_and_interrupted"


def upgrade() -> None:
    op.create_table(
        "element_screenshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("page_visits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("selector", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_element_screenshots_visit_id", "element_screenshots", ["visit_id"])


def downgrade() -> None:
    op.drop_index("ix_element_screenshots_visit_id", table_name="element_screenshots")
    op.drop_table("element_screenshots")
