"""The statuses of runs and of a nightly batch's sites: each value written here once; the tables'
CHECK constraints, the repositories and the callers name them from here."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is: running until it finishes, once, as one of the other three."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # stopped by Ctrl-C: what was audited is reported; `--resume` may go on


class BatchItemState(StrEnum):
    """Where one site of a nightly batch is: queued, running, then done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


__all__ = ["BatchItemState", "RunStatus"]
