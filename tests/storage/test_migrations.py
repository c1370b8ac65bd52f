"""The Alembic history builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import storage
from storage import Base, create_engine_for

TABLES = {
    "sites",
    "site_checks",
    "user_settings",
    "web_sessions",
    "element_screenshots",
    "crawl_runs",
    "pages",
    "page_visits",
    "audit_results",
    "findings",
    "answer_findings",
    "suggested_answers",
    "reviews",
    "users",
    "frontier_entries",
    "login_attempts",
    "indicators",
    "nightly_batches",
    "nightly_items",
}


def _schema_diff(url: str) -> list[object]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_empty_database_has_no_schema_until_upgrade(db_url: str) -> None:
    assert _tables(db_url) == set()
    assert _schema_diff(db_url), "an empty database must differ from the models"


def test_upgrade_head_matches_models(db_url: str) -> None:
    storage.upgrade(db_url)
    assert _tables(db_url) == TABLES | {"alembic_version"}
    assert _schema_diff(db_url) == []


def test_upgrade_is_idempotent_and_downgrade_removes_everything(db_url: str) -> None:
    storage.upgrade(db_url)
    storage.upgrade(db_url)
    assert _schema_diff(db_url) == []
    storage.downgrade(db_url, "base")
    assert _tables(db_url) == {"alembic_version"}
    storage.upgrade(db_url)
    assert _schema_diff(db_url) == []


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(storage.alembic_config()).get_heads()
    assert heads == ["0014_run_trend_point"]


def test_the_revision_chain_is_the_released_one() -> None:
    # Databases in use are stamped with these ids: a revision renamed or put elsewhere in the chain
    # leaves them unable to upgrade.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(storage.alembic_config())
    chain = [(s.revision, s.down_revision) for s in reversed(list(script.walk_revisions()))]
    assert chain == [
        ("0001_initial", None),
        ("0002_frontier", "0001_initial"),
        ("0004_web", "0002_frontier"),
        ("0005_nightly", "0004_web"),
        ("0006_confirmed_at", "0005_nightly"),
        ("0007_site_checks", "0006_confirmed_at"),
        ("0008_user_settings", "0007_site_checks"),
        ("0010_run_as_of", "0008_user_settings"),
        ("0011_visit_assets", "0010_run_as_of"),
        ("0009_run_leases_and_sessions", "0011_visit_assets"),
        ("0013_registry_and_interrupted", "0009_run_leases_and_sessions"),
        ("0012_element_screenshots", "0013_registry_and_interrupted"),
        ("0014_run_trend_point", "0012_element_screenshots"),
    ]
