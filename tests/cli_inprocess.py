"""`govaudit …` run inside the test process, for tests whose point is the command's exit code and
messages rather than a process of its own (signals, Ctrl-C and kill/resume keep a real subprocess).

A subprocess spends about a CPU-second starting Python and importing the CLI before it reads its
arguments; here the imports are paid once per test worker. The result has the shape of
`subprocess.run(..., capture_output=True, text=True)`, and an exception that escapes the command is
written to stderr as the interpreter would print it, so "no traceback" assertions keep their meaning.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

from click.testing import CliRunner


@contextlib.contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv  # the app reads its own arguments once (`--json` decides how usage errors look)
    try:
        yield
    finally:
        sys.argv = saved


def _exit_code(exit: SystemExit) -> int:
    if exit.code is None or isinstance(exit.code, int):
        return exit.code or 0
    print(exit.code, file=sys.stderr)  # sys.exit("message"): the interpreter prints it, exit 1
    return 1


def run_govaudit(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m govaudit ARGS` with the environment `env` (the whole of it, as a subprocess would
    get) in the folder `cwd`, in this process, through the same entry point (`app(...)`, which turns
    database failures into one line)."""
    from govaudit.cli import app

    # Variables absent from `env` are removed for the run, as a subprocess given `env` would not see them.
    overrides: dict[str, str | None] = dict.fromkeys(os.environ)
    overrides.update(env if env is not None else os.environ)
    argv = ["govaudit", *args]
    with contextlib.chdir(cwd), CliRunner().isolation(env=overrides) as (stdout, stderr, _), _argv(argv):
        try:
            app(list(args), prog_name="govaudit")
            code = 0
        except SystemExit as exit:
            code = _exit_code(exit)
        except Exception:  # what would escape `python -m govaudit`: printed as the interpreter does
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        printed, errors = stdout.getvalue().decode(), stderr.getvalue().decode()
    return subprocess.CompletedProcess(argv, code, printed, errors)
