"""What every `govaudit` command shares about talking to people and to CI: errors as text or as a
JSON object (`--json`), `--version`, and boolean flags shown as flags in --help."""

from __future__ import annotations

import gc
import json
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperOption

console = Console(stderr=True)


class _ErrorMode:
    """Whether errors go to stdout as a JSON object too (a command run with --json): a CI step
    that parses stdout gets {"error": …, "exit_code": …} rather than nothing."""

    as_json: bool = False


error_mode = _ErrorMode()


# Objects a run allocates before its first cyclic collection. Python's default (700) runs the collector
# thousands of times in a crawl, each time tracing the parsed pages and the ORM's objects (what that cost and
# what this saves: bench/RESULTS.md).
GC_FIRST_GENERATION = 10_000


# The stages whose memory this process has settled. `gc.get_freeze_count()` cannot say cheaply: it walks every
# frozen object (some 250,000 after the imports) each time it is asked.
_SETTLED_STAGES: set[str] = set()


def settle_memory(stage: str = "imports", *, collect_first: bool = False) -> None:
    """Once the modules of `stage` are imported: the collector no longer traces what they hold (`gc.freeze`),
    and runs less often. Both only change when cycles are reclaimed, not which. Once a process for each stage:
    a later call (the next command run in the same process, as the tests run the CLI) would freeze the
    objects of the commands before it for good. `collect_first`: their garbage is collected before the freeze."""
    if stage in _SETTLED_STAGES:
        return
    _SETTLED_STAGES.add(stage)
    if collect_first:
        gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION, second, third)


def fail(message: str, code: int) -> typer.Exit:
    """The error, on stderr for people (and on stdout as JSON under --json); the exit to raise."""
    console.print(f"[bold red]error:[/] {escape(message)}")
    if error_mode.as_json:
        sys.stdout.write(json.dumps({"error": message, "exit_code": code}) + "\n")
        sys.stdout.flush()
    return typer.Exit(code)


def usage_errors_as_json() -> None:
    """Typer reports a usage error (an unknown option, a value out of range) itself, before any
    command runs: under --json it is also printed on stdout as the JSON error object."""
    from typer import rich_utils

    original = rich_utils.rich_format_error
    if getattr(original, "_as_json", False):
        return

    def rich_format_error(error: Any) -> None:
        original(error)
        if error_mode.as_json:
            message = error.format_message() if hasattr(error, "format_message") else str(error)
            code = getattr(error, "exit_code", 2)
            sys.stdout.write(json.dumps({"error": message, "exit_code": code}) + "\n")
            sys.stdout.flush()

    rich_format_error._as_json = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error  # type: ignore[assignment]


def govaudit_version() -> str:
    try:
        return package_version("govaudit")
    except PackageNotFoundError:  # a checkout run without installing it
        return "unknown"


def print_version(value: bool) -> None:
    """The eager --version option's callback: prints and exits before any command runs."""
    if value:
        sys.stdout.write(f"govaudit {govaudit_version()}\n")
        raise typer.Exit(0)


def show_flags_as_flags() -> None:
    """Typer labels a boolean flag with a `<bool>` type column although it takes no value; the
    label is dropped so that `--quiet` reads as the flag it is."""
    original = TyperOption.display_type_rich
    if getattr(original, "_flags_as_flags", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if self.is_flag and not self.count:
            return None
        return original(self, ctx)

    display_type_rich._flags_as_flags = True  # type: ignore[attr-defined]  # a marker on the function object
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]  # patching Typer's renderer
