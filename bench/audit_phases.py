"""Where the CPU of one `govaudit demo` goes, phase by phase. A benchmark, not a test.

    .venv/bin/python bench/audit_phases.py [--out DIR] [--json FILE] [-- COMMAND ...]

COMMAND is any govaudit command instead of the demo, e.g. `-- audit http://127.0.0.1:8000/ --max-pages 14`
(a site served on loopback needs GOVAUDIT_ALLOW_PRIVATE=1).

Runs the demo in this process with one page in the browser at a time (so each phase's CPU is that page's
alone), and around every phase of a render (load and quiet-DOM wait, DOM copy, assets, overflow measure, each
inspector) adds up the CPU (user + system) of this process's Chromium processes (read from /proc/<pid>/stat of
every descendant, so a renderer that exits inside a phase loses that phase's share), of Playwright's driver
(node) and of this Python process. Prints one line per phase: calls, Chromium, driver and Python CPU-s.
Other machine load does not enter the figures (they are CPU, not wall time), but Chromium's CPU grows somewhat
with load (cache misses, timer slack).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawl_common import proc_stat

from crawler import render


def _tree() -> dict[str, float]:
    """CPU-s of this process's descendants by kind: chromium (every Chromium process) or driver (node)."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or (stat := proc_stat(entry)) is None:
            continue
        pid = int(entry)
        parents[pid] = stat[0]
        try:
            exe = os.readlink(f"/proc/{entry}/exe")
        except OSError:
            exe = ""
        stats[pid] = (exe, stat[1])
    me = os.getpid()
    totals: dict[str, float] = defaultdict(float)
    for pid, (exe, cpu) in stats.items():
        ancestor = parents.get(pid, 0)
        while ancestor not in (0, 1, me):
            ancestor = parents.get(ancestor, 0)
        if ancestor == me:
            kind = "chromium" if "chrom" in exe else "driver" if exe.endswith("/node") else "other"
            totals[kind] += cpu
    return totals


PHASES: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0])


class _Measured:
    def __init__(self, phase: str) -> None:
        self.phase = phase

    async def __aenter__(self) -> None:
        self.tree = _tree()
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    async def __aexit__(self, *exc: object) -> None:
        cpu = time.process_time() - self.cpu
        wall = time.perf_counter() - self.wall
        after = _tree()
        row = PHASES[self.phase]
        row[0] += 1
        row[1] += after["chromium"] - self.tree["chromium"]
        row[2] += after["driver"] - self.tree["driver"]
        row[3] += cpu
        row[4] += wall


def _wrap(phase: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def wrapped(*args: Any, **kwargs: Any) -> Any:
        async with _Measured(phase):
            return await method(*args, **kwargs)

    return wrapped


def _patch() -> None:
    locks: dict[int, asyncio.Lock] = {}  # the demo runs each site in its own event loop
    original_render = render.Renderer.render

    @functools.wraps(original_render)
    async def one_at_a_time(self: render.Renderer, *args: Any, **kwargs: Any) -> Any:
        lock = locks.setdefault(id(asyncio.get_running_loop()), asyncio.Lock())
        async with lock, _Measured("render (all)"):
            return await original_render(self, *args, **kwargs)

    render.Renderer.render = one_at_a_time
    render.Renderer._load_unless_failed = _wrap("load + quiet DOM", render.Renderer._load_unless_failed)
    render.Renderer._measure = _wrap("overflow at 375 px", render.Renderer._measure)
    render.Renderer._new_tab = _wrap("new tab", render.Renderer._new_tab)
    render.Renderer._new_context = _wrap("new context", render.Renderer._new_context)

    from audits import inspectors

    original_build = inspectors.build_suite

    def build(*args: Any, **kwargs: Any) -> Any:
        suite = original_build(*args, **kwargs)
        for inspector in suite.inspectors:
            kind = type(inspector)
            for method in ("inspect", "inspect_after"):
                if hasattr(kind, method) and not getattr(getattr(kind, method), "_measured", False):
                    wrapped = _wrap(f"inspector {inspector.name}", getattr(kind, method))
                    wrapped._measured = True
                    setattr(kind, method, wrapped)
        return suite

    inspectors.build_suite = build
    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "build_suite", None) is original_build:
            module.build_suite = build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "govaudit-phases")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    parser.add_argument("command", nargs="*", help="a govaudit command to measure instead of the demo")
    args = parser.parse_args()
    command = args.command or ["demo", "--out", str(args.out)]
    from govaudit import cli  # imported before patching, so every module that took build_suite is found

    _patch()
    started_cpu = time.process_time()
    with contextlib.suppress(SystemExit):
        cli.app(command, standalone_mode=False)
    print(f"{'phase':28} {'calls':>5} {'chromium':>9} {'driver':>7} {'python':>7} {'wall':>7}")
    for phase, (calls, chromium, driver, python, wall) in sorted(PHASES.items(), key=lambda kv: -kv[1][1]):
        print(f"{phase:28} {calls:5.0f} {chromium:9.2f} {driver:7.2f} {python:7.2f} {wall:7.2f}")
    print(f"this process, all of the run: {time.process_time() - started_cpu:.2f} CPU-s")
    if args.json:
        args.json.write_text(json.dumps(PHASES, indent=1))


if __name__ == "__main__":
    main()
