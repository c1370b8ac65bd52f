"""Each person's choices in the assessor app (language, shortcuts): one row per user, replaced on change."""

from __future__ import annotations

from dataclasses import dataclass

from storage import models
from storage.database import Database


@dataclass(frozen=True, slots=True)
class UserSettings:
    language: str = ""  # "" = follow the browser's Accept-Language
    shortcuts: bool = True


class UserSettingsStore:
    def __init__(self, store: Database) -> None:
        self.store = store

    def get(self, user_id: int) -> UserSettings:
        with self.store.transaction(readonly=True) as session:
            row = session.get(models.UserSettingRow, user_id)
            return UserSettings(row.language, row.shortcuts) if row else UserSettings()

    def set(self, user_id: int, *, language: str | None = None, shortcuts: bool | None = None) -> UserSettings:
        with self.store.transaction() as session:
            row = session.get(models.UserSettingRow, user_id)
            if row is None:
                row = models.UserSettingRow(user_id=user_id, language="", shortcuts=True)
                session.add(row)
            if language is not None:
                row.language = language
            if shortcuts is not None:
                row.shortcuts = shortcuts
            row.updated_at = models.utcnow()
            return UserSettings(row.language, row.shortcuts)
