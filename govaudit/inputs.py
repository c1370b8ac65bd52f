"""Checks of what a user typed, made before any work starts, each failing with a message a person
can act on (the command line turns `BadInput` into exit 2)."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from alembic.util.exc import CommandError as AlembicCommandError
from rich.console import Console
from rich.markup import escape
from sqlalchemy import exc as sa_exc

from crawler.site import SiteConfig
from govaudit.assessment import SampleOptions
from storage import Store, run_state
from storage.migrate import ForeignDatabase


class BadInput(ValueError):
    """Input the command cannot use; the message says what to change."""


def resumable_assessment(store: Store, run_id: int) -> tuple[SiteConfig, SampleOptions | None]:
    """The site and sample options of an interrupted assessment (`assess/audit --resume RUN`), as it
    was started; raises BadInput for a run that does not exist or is not an assessment."""
    try:
        run = store.runs.site_of(run_id)
        site, status = run.site, run.status
    except LookupError as exc:
        raise BadInput(str(exc)) from None
    settings = run_state.run_settings(store, run_id)
    if settings.get("mode") not in (None, "assess"):
        raise BadInput(f"run {run_id} is a {settings['mode']} run: resume it with `govaudit crawl --resume {run_id}`")
    if status != "running":
        raise BadInput(f"run {run_id} is {status}; only an interrupted (running) run can resume")
    site = replace(
        site,
        max_pages=int(settings.get("max_pages") or site.max_pages),
        max_depth=int(depth) if (depth := settings.get("max_depth")) is not None else site.max_depth,
    )
    chosen = settings.get("sample")
    if isinstance(chosen, dict):
        return site, SampleOptions(seed=chosen.get("seed"), ratio=float(chosen.get("ratio", 0.10)))
    return site, SampleOptions() if chosen else None


def check_out_dir(folder: Path) -> None:
    """Make sure the reports can be written to `folder` before the crawl (not after an hour of it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".govaudit-write-test-"):
            pass
    except OSError as exc:
        raise BadInput(f"cannot write the reports to {folder}: {exc.strerror or exc}") from None


def database_problem(exc: BaseException) -> tuple[str, int] | None:
    """A message and an exit code for a database that cannot be used (a bad URL, a corrupt, truncated
    or foreign file, a server that does not answer), or None for anything else."""
    if isinstance(exc, ForeignDatabase):
        return str(exc), EXIT_BAD_INPUT
    if isinstance(exc, AlembicCommandError):  # a revision this govaudit does not know
        return f"the database is not one this version of govaudit can use: {exc}", EXIT_BAD_INPUT
    if isinstance(exc, sa_exc.ArgumentError):  # NoSuchModuleError too
        return (
            f"GOVAUDIT_DATABASE_URL is not a database URL govaudit can use ({exc}); "
            "write sqlite:///path/to/file.db or postgresql://user:password@host/db",
            EXIT_BAD_INPUT,
        )
    if isinstance(exc, ModuleNotFoundError) and exc.name in {"psycopg", "psycopg2", "pymysql", "MySQLdb"}:
        return f"no database driver {exc.name} installed: use sqlite:// or postgresql://", EXIT_BAD_INPUT
    if isinstance(exc, sa_exc.OperationalError) and _backend(exc) == "postgresql":
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"cannot connect to the PostgreSQL database: {first}", EXIT_MISSING_TOOL
    if isinstance(exc, sa_exc.DatabaseError):  # sqlite: not a database, malformed, cannot open
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"cannot use the database ({first}): is GOVAUDIT_DATABASE_URL a govaudit database?", EXIT_BAD_INPUT
    return None


def _backend(exc: sa_exc.DBAPIError) -> str:
    module = type(exc.orig).__module__ if exc.orig is not None else ""
    return "postgresql" if module.startswith("psycopg") else "sqlite" if module.startswith("sqlite3") else module


EXIT_BAD_INPUT = 2
EXIT_MISSING_TOOL = 4


class CleanErrorsTyper(typer.Typer):
    """The app, with the failures of what lies under every command (the database) turned into one
    line and an exit code instead of a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            problem = database_problem(exc)
            if problem is None:
                raise
            Console(stderr=True).print(f"[bold red]error:[/] {escape(problem[0])}")
            sys.exit(problem[1])
