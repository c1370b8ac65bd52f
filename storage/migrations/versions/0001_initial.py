"""Initial schema: registry, runs, pages and visits, audit results, findings, answers, reviews.

Create Date: 2026-11-24 08:22:25.404017

"""

from alembic import op

from storage.migrations.tables import create_tables, drop_tables, load_tables

# revision identifiers, used by Alembic.
revision = "0001_initial"
down_revision = None


def upgrade() -> None:
    create_tables(load_tables(__file__))
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    drop_tables(load_tables(__file__))


# Reviews are the assessors' audit trail: the database itself refuses to change or delete one, so
# that no code path (an admin script, a future ORM bulk update) can rewrite history.
_REVIEWS_APPEND_ONLY = "reviews are append-only"


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_REVIEWS_APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews "
            "FOR EACH ROW EXECUTE FUNCTION reviews_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER reviews_no_{action.lower()} BEFORE {action} ON reviews "
            f"BEGIN SELECT RAISE(ABORT, '{_REVIEWS_APPEND_ONLY}'); END"
        )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS reviews_append_only ON reviews")
        op.execute("DROP FUNCTION IF EXISTS reviews_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS reviews_no_{action}")
