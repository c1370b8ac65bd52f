"""The Alembic history builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

import json
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import storage
from storage import Base, create_engine_for

FIRST_REVISION = "0001_initial"
HEAD = "0014_run_trend_point"
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


# What the schema holds besides tables (the reviews' append-only triggers), with its full text.
_ROUTINES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
    "UNION ALL SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = 'public'",
}


def _step_by_step(url: str) -> None:
    """Every revision in turn: `upgrade` makes a new database at head in one step instead."""
    storage.upgrade(url, FIRST_REVISION)
    storage.upgrade(url)


def _schema(url: str) -> dict[str, Any]:
    """All a database's schema says, as reflected (the column order aside): tables, triggers and functions, and
    the revision it is stamped with."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            tables: dict[str, Any] = {
                table: {
                    "columns": sorted(
                        (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                        for c in found.get_columns(table)
                    ),
                    "primary key": found.get_pk_constraint(table),
                    **{
                        kind: sorted(json.dumps(item, sort_keys=True, default=str) for item in read(table))
                        for kind, read in (
                            ("foreign keys", found.get_foreign_keys),
                            ("unique", found.get_unique_constraints),
                            ("indexes", found.get_indexes),
                            ("checks", found.get_check_constraints),
                        )
                    },
                }
                for table in found.get_table_names()
            }
            tables["stamp"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            routines = conn.execute(text(_ROUTINES[conn.dialect.name]))
            tables["triggers and functions"] = sorted(tuple(row) for row in routines)
            return tables
    finally:
        engine.dispose()


def test_a_new_database_is_made_in_one_step_with_the_schema_the_revisions_build(
    two_db_urls: tuple[str, str],
) -> None:
    one_step, revisions = two_db_urls
    storage.upgrade(one_step)
    _step_by_step(revisions)
    made, migrated = _schema(one_step), _schema(revisions)
    assert set(made) == TABLES | {"alembic_version", "stamp", "triggers and functions"}
    assert made["stamp"] == [HEAD]
    assert len(made["triggers and functions"]) == 2
    assert {t: made[t] for t in made if made[t] != migrated.get(t)} == {}
    assert set(made) == set(migrated)


def test_upgrade_head_matches_models(db_url: str) -> None:
    _step_by_step(db_url)
    assert _tables(db_url) == TABLES | {"alembic_version"}
    assert _schema_diff(db_url) == []


def test_upgrade_is_idempotent_and_downgrade_removes_everything(db_url: str) -> None:
    storage.upgrade(db_url)  # in one step
    storage.upgrade(db_url)
    assert _schema_diff(db_url) == []
    storage.downgrade(db_url, "base")
    assert _tables(db_url) == {"alembic_version"}
    storage.upgrade(db_url)  # revision by revision: the database is not new, it holds Alembic's table
    assert _schema_diff(db_url) == []


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(storage.alembic_config()).get_heads()
    assert heads == [HEAD]


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
