"""Shared by the crawl benchmarks: the templated site in its own process, `govaudit crawl` timed,
and peak PSS of a process tree sampled from /proc/PID/smaps_rollup; for every benchmark that reads
processes, one /proc/PID/stat reader (`proc_stat`)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PYTHON = REPO / ".venv" / "bin" / "python"


def python() -> str:
    return str(PYTHON) if PYTHON.exists() else sys.executable


@contextmanager
def templated_site(pages: int, version: int = 1, *, sitemap: bool = True) -> Iterator[str]:
    """The templated site on 127.0.0.1 in a child process; yields its home URL."""
    command = [python(), str(BENCH / "templated_server.py"), "--pages", str(pages), "--version", str(version)]
    process = subprocess.Popen(
        [*command, *([] if sitemap else ["--no-sitemap"])],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"templated server did not start: {line!r}")
        yield line.removeprefix("READY ")
    finally:
        process.terminate()
        process.wait(10)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024**2:.0f} GiB, load average {load:.1f} at start, "
        f"one core's speed {core_speed():.2f} s"
    )


def core_speed() -> float:
    """Seconds one core takes for 10**7 steps of a pure-Python loop, the best of three. Machines of the same
    name ("AMD EPYC", 2 cores) have differed by 2x from one session to the next: a figure measured on one is
    compared with another's only through this."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for step in range(10**7):
            total += step
        best = min(best, time.process_time() - started)
    return best


_TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int | str) -> tuple[int, float] | None:
    """A process's parent and its CPU-s so far (user + system), or None once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


def process_tree(pid: int) -> set[int]:
    """`pid` and every process below it, read from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(entry.name)) is not None:
            tree.setdefault(stat[0], []).append(int(entry.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), 0)


@dataclass
class TreeSampler:
    """Peak PSS of a process and its descendants (a browser, if any), sampled every 0.1 s."""

    pid: int
    peak_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, sum(pss_kb(p) for p in process_tree(self.pid)))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


@dataclass
class CrawlRun:
    pages: int
    seconds: float  # wall time of the whole command, start-up included
    crawl_seconds: float  # what govaudit reports for the crawl itself
    by_status: dict[str, int]
    peak_pss_mb: float
    not_requested: int = 0  # pages carried forward without any request (the revisit policy's choice)
    cpu_seconds: float = 0.0  # govaudit's own CPU over the crawl: less moved by the machine's other load

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


def govaudit_crawl(
    url: str, pages: int, concurrency: int, *, database: Path | None = None, extra: tuple[str, ...] = ()
) -> CrawlRun:
    """`govaudit crawl URL --render never --json` in a subprocess, timed and PSS-sampled."""
    with tempfile.TemporaryDirectory() as tmp:
        db = database or Path(tmp) / "bench.db"
        env = dict(os.environ, GOVAUDIT_DATABASE_URL=f"sqlite:///{db}")
        command = [
            python(), "-m", "govaudit", "crawl", url, "--render", "never", "--concurrency", str(concurrency),
            "--max-pages", str(pages), "--max-depth", "1000", "--json", "--quiet", *extra,
        ]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO
        )
        with TreeSampler(process.pid) as sampler:
            out, err = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"govaudit crawl failed ({process.returncode}): {err[-2000:]}")
    summary = json.loads(out)
    by_status = summary["pages_by_status"]
    # A page carried forward without a request has no status code; a 304 has one.
    not_requested = sum(1 for p in summary["pages"] if p["status"] == "not_modified" and p["status_code"] is None)
    return CrawlRun(
        sum(by_status.values()),
        seconds,
        float(summary["seconds"]),
        by_status,
        sampler.peak_kb / 1024,
        not_requested,
        float(summary.get("cpu_seconds", 0.0)),
    )
