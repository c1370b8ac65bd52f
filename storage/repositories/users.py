"""The people of the assessor web app, and their sign-in attempts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage import models
from storage.database import Repository
from storage.mappers import USER
from storage.records import UserRecord


class UserRepository(Repository):
    def add(self, name: str, role: str, password_hash: str, countries: Sequence[str] = ()) -> int:
        if role not in models.ROLES:
            raise ValueError(f"role must be one of {models.ROLES}, not {role!r}")
        with self.db.transaction() as session:
            user = models.UserRow(name=name, role=role, password_hash=password_hash, countries=list(countries))
            session.add(user)
            session.flush()
            return user.id

    def named(self, name: str) -> UserRecord | None:
        with self.db.transaction(readonly=True) as session:
            row = session.scalars(select(models.UserRow).where(models.UserRow.name == name)).one_or_none()
            return USER.build(row) if row else None

    def get(self, user_id: int) -> UserRecord | None:
        with self.db.transaction(readonly=True) as session:
            row = session.get(models.UserRow, user_id)
            return USER.build(row) if row else None

    def all(self) -> list[UserRecord]:
        return self._read(USER, select(models.UserRow).order_by(models.UserRow.id))

    def record_login_attempt(self, name: str, address: str, ok: bool) -> None:
        with self.db.transaction() as session:
            session.add(models.LoginAttemptRow(name=name, address=address, ok=ok, at=models.utcnow()))
