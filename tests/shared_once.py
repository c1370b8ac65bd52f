"""Expensive set-ups made once per test session, not once per pytest-xdist worker.

Each xdist worker is its own pytest session, so a session fixture would run once per worker. The
workers share the parent of their base temporary folders; the first worker to take the lock builds
the thing there and the others wait for it, then reuse it (the pattern pytest-xdist documents).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder shared by every worker of this test session, held under an exclusive lock while the
    caller builds in it; a caller that finds the result already there just returns it."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if base.name.startswith("popen-gw") else base  # the workers' common parent
    folder = root / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    with (folder.parent / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
