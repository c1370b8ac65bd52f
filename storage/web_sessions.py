"""Server-side sessions of the assessor web app, and password changes that end them.

The cookie carries a random token; the table keeps its SHA-256 only (a stolen database yields no
usable cookie). Logout revokes the row, a password change revokes every row of the account, so a
copied cookie stops working at once instead of living out its signature's age.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from storage import models
from storage.database import Database
from storage.repositories.users import UserRepository
from storage.sql import rowcount


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(store: Database, user_id: int, token: str, max_age_s: int) -> None:
    now = models.utcnow()
    with store.transaction() as session:
        session.add(
            models.WebSessionRow(
                id=_key(token), user_id=user_id, created_at=now, expires_at=now + timedelta(seconds=max_age_s)
            )
        )


def is_live(store: Database, user_id: int, token: str) -> bool:
    """The session exists for this user, has not expired and was not revoked."""
    row = models.WebSessionRow
    with store.transaction(readonly=True) as session:
        found = session.execute(
            select(row.user_id, row.expires_at, row.revoked_at).where(row.id == _key(token))
        ).one_or_none()
    return found is not None and found[0] == user_id and found[2] is None and found[1] > models.utcnow()


def revoke(store: Database, token: str) -> None:
    with store.transaction() as session:
        session.execute(
            update(models.WebSessionRow)
            .where(models.WebSessionRow.id == _key(token), models.WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=models.utcnow())
        )


def set_password(store: Database, user_id: int, password_hash: str) -> int:
    """Change the password and end every session of the account in one transaction; return how many."""
    now = models.utcnow()
    with store.transaction() as session:
        user = session.get(models.UserRow, user_id)
        if user is None:
            raise LookupError(f"no user {user_id}")
        user.password_hash = password_hash
        result = session.execute(
            update(models.WebSessionRow)
            .where(models.WebSessionRow.user_id == user_id, models.WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return rowcount(result)


# --- sign-in attempts --------------------------------------------------------------------------

UNLOCK_ADDRESS = "admin-unlock"  # an `ok` attempt recorded by `govaudit users unlock`: counting starts again


@dataclass(frozen=True, slots=True)
class Failures:
    """Failed sign-ins counted since the window opened (or since the account last signed in or was
    unlocked), each with when the last one happened."""

    pair: int  # this name from this address
    pair_last: datetime | None
    address: int  # any name from this address
    address_last: datetime | None
    name: int  # this name from anywhere
    name_last: datetime | None
    known_address: bool  # this address signed in as this name before (the owner's, most likely)


def login_failures(store: Database, name: str, address: str, since: datetime, known_since: datetime) -> Failures:
    attempt = models.LoginAttemptRow
    with store.transaction(readonly=True) as session:
        last_ok = session.scalar(
            select(func.max(attempt.at)).where(attempt.name == name, attempt.ok.is_(True), attempt.at >= since)
        )
        name_since = max(since, last_ok) if last_ok is not None else since

        def count(*where: Any) -> tuple[int, datetime | None]:
            n, last = session.execute(
                select(func.count(), func.max(attempt.at)).where(attempt.ok.is_(False), *where)
            ).one()
            return int(n or 0), last

        pair = count(attempt.name == name, attempt.address == address, attempt.at >= name_since)
        by_address = count(attempt.address == address, attempt.at >= since)
        by_name = count(attempt.name == name, attempt.at >= name_since)
        known = session.scalar(
            select(func.count()).where(
                attempt.name == name, attempt.address == address, attempt.ok.is_(True), attempt.at >= known_since
            )
        )
    return Failures(pair[0], pair[1], by_address[0], by_address[1], by_name[0], by_name[1], bool(known))


def unlock(store: Database, name: str) -> None:
    """An administrator lets the account sign in again at once: its failures stop counting."""
    UserRepository(store).record_login_attempt(name, UNLOCK_ADDRESS, True)
