"""Persistence: SQLAlchemy models, Alembic migrations, and `Store`: one database and its repositories.

SQLite file by default (WAL, BEGIN IMMEDIATE), PostgreSQL by URL (`postgresql+psycopg://...`).
Imports `crawler`, `audits` and `rules` for their types only; the application layer decides the URL.
"""

from storage.database import Database
from storage.engine import DEFAULT_URL, create_engine_for
from storage.migrate import alembic_config, downgrade, upgrade
from storage.models import AppendOnlyError, Base
from storage.records import (
    AnswerRecord,
    DuplicateVisit,
    FindingRecord,
    ReviewRecord,
    RunRecord,
    SiteRecord,
    VisitRecord,
)
from storage.store import Store

__all__ = [
    "DEFAULT_URL",
    "AnswerRecord",
    "AppendOnlyError",
    "Base",
    "Database",
    "DuplicateVisit",
    "FindingRecord",
    "ReviewRecord",
    "RunRecord",
    "SiteRecord",
    "Store",
    "VisitRecord",
    "alembic_config",
    "create_engine_for",
    "downgrade",
    "upgrade",
]
