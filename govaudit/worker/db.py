"""The store a worker process uses, and a migration that two workers starting together cannot race."""

from __future__ import annotations

import logging
import os

from storage import Store
from storage.engine import is_sqlite

log = logging.getLogger(__name__)

_store: tuple[int, str, Store] | None = None


def process_store(url: str) -> Store:
    """One Store (one connection pool) per process: created lazily, and again after a fork, since a
    prefork child must not share its parent's sockets."""
    global _store
    if _store is None or _store[0] != os.getpid() or _store[1] != url:
        _store = (os.getpid(), url, Store(url))
    return _store[2]


def upgrade_once(store: Store) -> None:
    """Migrate to the latest schema. On PostgreSQL under an advisory lock: two workers started at the
    same moment would otherwise both try to create the same tables, and one would fail."""
    if is_sqlite(store.url):
        log.warning("the store is SQLite: fine for one machine, but workers on several need PostgreSQL")
    store.upgrade_once()
