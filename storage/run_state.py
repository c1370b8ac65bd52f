"""Who is working on a run (a lease) and how far it got (its stage), so that a killed run can be
resumed by exactly one process and redo only the stage it was in.

A lease is a row lock that expires: the holder renews it while it works; a second process is refused
until the lease runs out, or at once when the holder is a dead process on this same machine.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from storage import models
from storage.database import Database
from storage.repositories.runs import RunRepository
from storage.sql import rowcount

STAGES = ("crawl", "audit", "conclude")
DEFAULT_LEASE_S = 120.0


class RunLeased(RuntimeError):
    """Another live process holds the run."""


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_dead(owner: str) -> bool:
    """True only when we can tell: the holder ran on this machine and its process is gone."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def acquire(store: Database, run_id: int, owner: str, seconds: float) -> None:
    """Take the run's lease for `seconds`, or raise RunLeased naming the live holder."""
    with store.transaction() as session:
        run = session.scalars(select(models.CrawlRunRow).where(models.CrawlRunRow.id == run_id).with_for_update()).one()
        now = models.utcnow()
        held = run.lease_owner and run.lease_owner != owner and run.lease_until is not None and run.lease_until > now
        if held and not _holder_is_dead(run.lease_owner or ""):
            raise RunLeased(
                f"run {run_id} is being worked on by another process ({run.lease_owner}) until "
                f"{run.lease_until:%Y-%m-%d %H:%M:%S} UTC unless it renews its lease; "
                "try again once that process has ended"
            )
        run.lease_owner, run.lease_until = owner, now + timedelta(seconds=seconds)


def renew(store: Database, run_id: int, owner: str, seconds: float) -> bool:
    """Extend the lease; False when another process has taken it meanwhile."""
    with store.transaction() as session:
        result = session.execute(
            update(models.CrawlRunRow)
            .where(models.CrawlRunRow.id == run_id, models.CrawlRunRow.lease_owner == owner)
            .values(lease_until=models.utcnow() + timedelta(seconds=seconds))
        )
        return rowcount(result) > 0


def release(store: Database, run_id: int, owner: str) -> None:
    with store.transaction() as session:
        session.execute(
            update(models.CrawlRunRow)
            .where(models.CrawlRunRow.id == run_id, models.CrawlRunRow.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )


@dataclass
class Lease:
    """A run's lease held for the life of a `with` block, renewed by a thread every third of its life
    (a thread, so that a long synchronous step on the event loop cannot let it lapse)."""

    store: Database
    run_id: int
    seconds: float
    owner: str = ""
    lost: bool = False

    def __post_init__(self) -> None:
        self.owner = self.owner or new_owner()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Lease:
        acquire(self.store, self.run_id, self.owner, self.seconds)
        self._thread = threading.Thread(target=self._renew, name=f"lease-run-{self.run_id}", daemon=True)
        self._thread.start()
        return self

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                if not renew(self.store, self.run_id, self.owner, self.seconds):
                    self.lost = True
                    return
            except Exception:  # a busy database: try again at the next tick, the lease has 2/3 left
                continue

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        release(self.store, self.run_id, self.owner)


# --- stages ------------------------------------------------------------------------------------


def stage(store: Database, run_id: int) -> str:
    with store.transaction(readonly=True) as session:
        return session.scalar(select(models.CrawlRunRow.stage).where(models.CrawlRunRow.id == run_id)) or "crawl"


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    owner: str | None
    until: datetime | None


def lease_of(store: Database, run_id: int) -> LeaseHolder:
    with store.transaction(readonly=True) as session:
        row = session.execute(
            select(models.CrawlRunRow.lease_owner, models.CrawlRunRow.lease_until).where(
                models.CrawlRunRow.id == run_id
            )
        ).one()
        return LeaseHolder(row[0], row[1])


def enter_audit_stage(store: Database, run_id: int) -> None:
    """The crawl is over: mark where its audit results end, so a resumed audit stage can drop what an
    interrupted one had added, and redo it whole."""
    visit, result = models.PageVisitRow, models.AuditResultRow
    with store.transaction() as session:
        mark = session.scalar(
            select(func.max(result.id)).join(visit, visit.id == result.visit_id).where(visit.run_id == run_id)
        )
        session.execute(
            update(models.CrawlRunRow)
            .where(models.CrawlRunRow.id == run_id)
            .values(stage="audit", audit_mark=mark or 0)
        )


def reset_audit_stage(store: Database, run_id: int) -> None:
    """Undo what an interrupted audit stage added: audit results after the mark, sample renders."""
    visit, result = models.PageVisitRow, models.AuditResultRow
    with store.transaction() as session:
        mark = session.scalar(select(models.CrawlRunRow.audit_mark).where(models.CrawlRunRow.id == run_id)) or 0
        ids = select(visit.id).where(visit.run_id == run_id).scalar_subquery()
        session.execute(delete(result).where(result.visit_id.in_(ids), result.id > mark))
        session.execute(
            update(visit)
            .where(visit.run_id == run_id, visit.render_reason.like("audit sample%"))
            .values(rendered=False, render_reason="")
        )


def enter_conclude_stage(store: Database, run_id: int) -> None:
    with store.transaction() as session:
        session.execute(update(models.CrawlRunRow).where(models.CrawlRunRow.id == run_id).values(stage="conclude"))


def reset_conclusions(store: Database, run_id: int) -> None:
    """Drop the site-level findings and the answers an interrupted conclusion may have written (the
    pages' own findings stay): the resumed run writes them once, whole."""
    with store.transaction() as session:
        answers = (
            select(models.SuggestedAnswerRow.id).where(models.SuggestedAnswerRow.run_id == run_id).scalar_subquery()
        )
        session.execute(delete(models.AnswerFindingRow).where(models.AnswerFindingRow.answer_id.in_(answers)))
        session.execute(delete(models.SuggestedAnswerRow).where(models.SuggestedAnswerRow.run_id == run_id))
        session.execute(
            delete(models.FindingRow).where(models.FindingRow.run_id == run_id, models.FindingRow.visit_id.is_(None))
        )


def visit_ids(store: Database, run_id: int) -> dict[str, int]:
    """Final URL → visit id of every page the run recorded (a resumed assessment's earlier part)."""
    visit = models.PageVisitRow
    with store.transaction(readonly=True) as session:
        return {
            url: vid for url, vid in session.execute(select(visit.final_url, visit.id).where(visit.run_id == run_id))
        }


def run_settings(store: Database, run_id: int) -> dict[str, Any]:
    """The settings a run was started with (its mode, page budget, sample …)."""
    return RunRepository(store).settings(run_id)


def run_mode(store: Database, run_id: int) -> str | None:
    """The mode, "crawl" or "assess": what the run was started as (a crawl cannot finish an assessment)."""
    mode = run_settings(store, run_id).get("mode")
    return str(mode) if mode else None
