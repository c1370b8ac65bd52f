"""Initial schema: registry, runs, pages and visits, audit results, findings, answers, reviews.

Create Date: 2026-11-24 08:22:25.404017

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001_initial"
down_revision = None

# Frozen copies of the model constants: a migration describes the schema at its revision, so it
# must not change when storage/models.py does.
OUTCOME_CHECK = "outcome IN ('passed', 'failed', 'needs_review', 'inapplicable', 'not_tested', 'error')"
ROLE_CHECK = "role IN ('assessor', 'reviewer', 'admin')"


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("start_urls", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("max_pages", sa.Integer(), nullable=False),
        sa.Column("max_depth", sa.Integer(), nullable=False),
        sa.Column("allow_private", sa.Boolean(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("name", name="uq_sites_name"),
    )
    op.create_index("ix_sites_country", "sites", ["country"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ROLE_CHECK, name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('running', 'completed', 'failed')", name="ck_crawl_runs_status"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_crawl_runs_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_runs"),
    )
    op.create_index("ix_crawl_runs_site_started", "crawl_runs", ["site_id", "started_at"])

    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_pages_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.UniqueConstraint("site_id", "url_hash", name="uq_pages_site_id_url_hash"),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.Text(), nullable=False),
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name="fk_findings_run_id_crawl_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    op.create_index("ix_findings_run_question", "findings", ["run_id", "instrument", "question"])

    op.create_table(
        "page_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("redirect_chain", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("content_length", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("fetch_ms", sa.Float(), nullable=False),
        sa.Column("render_ms", sa.Float(), nullable=False),
        sa.Column("rendered", sa.Boolean(), nullable=False),
        sa.Column("render_reason", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_page_visits_page_id_pages"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name="fk_page_visits_run_id_crawl_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_page_visits"),
        sa.UniqueConstraint("run_id", "page_id", name="uq_page_visits_run_id_page_id"),
    )
    op.create_index("ix_page_visits_content_hash", "page_visits", ["content_hash"])
    op.create_index("ix_page_visits_page_id", "page_visits", ["page_id"])

    op.create_table(
        "suggested_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("edition", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(OUTCOME_CHECK, name="ck_suggested_answers_outcome"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name="fk_suggested_answers_run_id_crawl_runs"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_suggested_answers_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_suggested_answers"),
    )
    op.create_index("ix_suggested_answers_run_id", "suggested_answers", ["run_id"])
    op.create_index(
        "ix_suggested_answers_site_question",
        "suggested_answers",
        ["site_id", "instrument", "edition", "question"],
    )

    op.create_table(
        "answer_findings",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["suggested_answers.id"],
            name="fk_answer_findings_answer_id_suggested_answers",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name="fk_answer_findings_finding_id_findings", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("answer_id", "position", name="pk_answer_findings"),
    )
    op.create_index("ix_answer_findings_finding_id", "answer_findings", ["finding_id"])

    op.create_table(
        "audit_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("engine", sa.Text(), nullable=False),
        sa.Column("engine_version", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("wcag", sa.JSON(), nullable=False),
        sa.Column("is_wcag", sa.Boolean(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("help_url", sa.Text(), nullable=False),
        sa.Column("nodes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.CheckConstraint(OUTCOME_CHECK, name="ck_audit_results_outcome"),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["page_visits.id"], name="fk_audit_results_visit_id_page_visits", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_results"),
    )
    op.create_index("ix_audit_results_fingerprint", "audit_results", ["fingerprint"])
    op.create_index("ix_audit_results_rule_id", "audit_results", ["rule_id"])
    op.create_index("ix_audit_results_visit_id", "audit_results", ["visit_id"])

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("final_value", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('accept', 'reject', 'override')", name="ck_reviews_decision"),
        sa.CheckConstraint(ROLE_CHECK, name="ck_reviews_role"),
        sa.ForeignKeyConstraint(["answer_id"], ["suggested_answers.id"], name="fk_reviews_answer_id_suggested_answers"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_reviews_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_answer_id", "reviews", ["answer_id"])
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index("ix_reviews_user_id", table_name="reviews")
    op.drop_index("ix_reviews_answer_id", table_name="reviews")

    op.drop_table("reviews")
    op.drop_index("ix_audit_results_visit_id", table_name="audit_results")
    op.drop_index("ix_audit_results_rule_id", table_name="audit_results")
    op.drop_index("ix_audit_results_fingerprint", table_name="audit_results")

    op.drop_table("audit_results")
    op.drop_index("ix_answer_findings_finding_id", table_name="answer_findings")

    op.drop_table("answer_findings")
    op.drop_index("ix_suggested_answers_site_question", table_name="suggested_answers")
    op.drop_index("ix_suggested_answers_run_id", table_name="suggested_answers")

    op.drop_table("suggested_answers")
    op.drop_index("ix_page_visits_page_id", table_name="page_visits")
    op.drop_index("ix_page_visits_content_hash", table_name="page_visits")

    op.drop_table("page_visits")
    op.drop_index("ix_findings_run_question", table_name="findings")

    op.drop_table("findings")
    op.drop_table("pages")
    op.drop_index("ix_crawl_runs_site_started", table_name="crawl_runs")

    op.drop_table("crawl_runs")
    op.drop_table("users")
    op.drop_index("ix_sites_country", table_name="sites")

    op.drop_table("sites")


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
