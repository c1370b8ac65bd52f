"""`govaudit …` in a process of its own, for tests that kill the command (SIGKILL mid-run): the process
is forked from a server that has already imported the CLI, instead of a new Python that imports it.

A `python -m govaudit` subprocess spends most of its CPU starting Python and importing the CLI, before
it reads its arguments, when the test kills it early. Here that is paid once, by multiprocessing's fork
server (started on first use, stopped by `stop()`), and each command is a fork of it: a real process
with its own pid, environment, folder, lease and browser, killed as any other. It runs the same entry point
as `python -m govaudit` (`app(prog_name="govaudit")` reading `sys.argv`); stdout is discarded and
stderr kept in a file, as the tests' `Popen(..., stdout=DEVNULL, stderr=PIPE)` did.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points
from multiprocessing import forkserver
from pathlib import Path

from rules.engine import ENTRY_POINT_GROUP

# Besides the CLI, what an assessment imports as it runs: the rule modules (loaded by entry point) and
# the libraries its option parsing, lexicons, HTTP client and browser driver import on first use. A name
# that is gone is skipped by the server: each fork then imports it, as a new Python would.
_IMPORTED_ON_FIRST_USE = (
    "typer._adapters",
    "zhconv",
    "httpcore",
    "anyio._core._sockets",
    "playwright._impl.protocol_channels",
    "storage.migrations.tables",
    "sqlite3",
)
_CONTEXT = multiprocessing.get_context("forkserver")


@cache
def _preload() -> list[str]:
    """What the fork server imports once, so that no fork imports it again."""
    rule_modules = sorted({entry.module for entry in entry_points(group=ENTRY_POINT_GROUP)})
    return ["govaudit.cli", *rule_modules, *_IMPORTED_ON_FIRST_USE]


def _command(args: list[str], env: dict[str, str], cwd: str, stderr_path: str) -> None:
    """In the fork: the process a subprocess given `env` and `cwd` would be, then the command."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(os.open(stderr_path, os.O_WRONLY | os.O_TRUNC), 2)
    sys.argv = ["govaudit", *args]
    from govaudit.cli import app

    try:
        app(prog_name="govaudit")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


class ForkedCommand:
    """The command's process, with the part of `subprocess.Popen` the tests use."""

    def __init__(self, process: multiprocessing.process.BaseProcess, stderr_path: Path) -> None:
        self._process = process
        self._stderr_path = stderr_path
        weakref.finalize(self, stderr_path.unlink, missing_ok=True)

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The exit code, or minus the signal that ended it (as Popen's); None while it runs."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        """Once this returns, the process is reaped (by the fork server): its pid is no one's."""
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(["govaudit"], timeout or 0.0)
        return self._process.exitcode

    def stderr(self) -> str:
        """What the command has written to stderr so far."""
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")


def start_govaudit(*args: str, env: Mapping[str, str], cwd: Path) -> ForkedCommand:
    """`python -m govaudit ARGS` with the environment `env` (the whole of it) in the folder `cwd`, forked."""
    _CONTEXT.set_forkserver_preload(_preload())  # read when the server starts: a later call changes nothing
    handle, stderr_path = tempfile.mkstemp(prefix="govaudit-stderr-", suffix=".txt")
    os.close(handle)
    process = _CONTEXT.Process(target=_command, args=([*args], dict(env), str(cwd), stderr_path), daemon=False)
    process.start()
    return ForkedCommand(process, Path(stderr_path))


def stop() -> None:
    """Stops the fork server (idle between commands), so that it is not left to the rest of the session.
    Its stop is private API (CPython 3.8+): if it ever goes, the server ends with this process instead."""
    server = getattr(forkserver, "_forkserver", None)
    stop_server = getattr(server, "_stop", None)
    if callable(stop_server):
        with contextlib.suppress(Exception):
            stop_server()
