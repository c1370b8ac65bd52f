"""Small hostile sites for one behaviour each: the raw server of `server.py` with a route table of
the test's own, and the helpers every test of a run through the command line needs."""

from __future__ import annotations

import faulthandler
import json
import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.cli_inprocess import run_govaudit
from tests.hostile.server import Behaviour, Handler, HostileServer


class HostileSite(HostileServer):
    """`HostileSite({"/": handler, ...})`: only these routes (a path ending in "*" matches every
    path it prefixes); everything else is a 404."""

    def __init__(self, routes: Mapping[str, Handler]) -> None:
        self._site_routes = dict(routes)
        super().__init__()

    def _behaviours(self) -> list[Behaviour]:
        return []

    def _hidden_routes(self) -> dict[str, Handler]:
        return {path: handler for path, handler in self._site_routes.items() if not path.endswith("*")}

    def _route(self, path: str) -> Handler | None:
        if path in self._routes:
            return self._routes[path]
        for prefix, handler in self._site_routes.items():
            if prefix.endswith("*") and path.startswith(prefix[:-1]):
                return handler
        return None


@dataclass(frozen=True, slots=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float
    database: Path

    def run(self) -> tuple[int, str, dict[str, Any], str]:
        """The last run stored: id, status, stats, error."""
        with sqlite3.connect(self.database) as db:
            row = db.execute("SELECT id, status, stats, error FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        stats = json.loads(row[2]) if isinstance(row[2], str) else row[2]
        return int(row[0]), str(row[1]), stats or {}, str(row[3] or "")

    def pages(self) -> dict[str, tuple[str, str]]:
        """Every page of the last run: requested path and query → (status, reason)."""
        run_id = self.run()[0]
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT p.url, v.status, v.reason FROM page_visits v JOIN pages p ON p.id = v.page_id "
                "WHERE v.run_id = ? ORDER BY v.id",
                (run_id,),
            ).fetchall()
        return {_path(url): (status, reason or "") for url, status, reason in rows}

    def findings(self) -> list[tuple[str, str, str]]:
        """(rule id, value, note) of every finding of the last run."""
        run_id = self.run()[0]
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT rule_id, value, note FROM findings WHERE run_id = ?", (run_id,)).fetchall()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def govaudit(*args: str, tmp_path: Path, timeout_s: float = 240, env: dict[str, str] | None = None) -> CliRun:
    """Run the command line in this process (tests/cli_inprocess.py): these tests are about what a
    command does with a hostile site, not about a process of its own, and a subprocess would spend
    about a CPU-second starting Python and importing the CLI before it reads its arguments. The
    site's server runs its own event loop in a thread, so the command's loop and it never block each
    other, as they would not across processes."""
    database = tmp_path / "hostile.db"
    full_env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{database}", **(env or {})}
    started = time.monotonic()
    # What the subprocess's timeout was: a command that hangs fails its test (the worker exits with
    # every thread's stack printed) instead of holding the suite up for ever.
    faulthandler.dump_traceback_later(timeout_s, exit=True)
    try:
        done = run_govaudit(*args, cwd=tmp_path, env=full_env)
    finally:
        faulthandler.cancel_dump_traceback_later()
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started, database)
