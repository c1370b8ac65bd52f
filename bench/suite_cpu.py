"""Where the test suite's CPU goes, every process included. A benchmark, not a test.

    .venv/bin/python bench/suite_cpu.py [--workers 5] [--top 30] [-- PYTEST ARGS]

Runs `pytest -n WORKERS --dist loadscope` with the tests/cpu_account.py plugin while it reads /proc every 0.2 s:
each process's CPU (user + system), parent, kind (chromium, node, java, python, worker) and lifetime. A process
is charged to the test its xdist worker was running at the middle of its life. This counts what
`/usr/bin/time` and the plugin cannot see: Chromium's processes are not reaped through pytest.

Prints the CPU by process kind, the machine's busy cores per 10 s of the run (2.0 on this 2-core machine is
saturated: only less CPU then makes the suite faster, not fewer waits), and the modules and tests that cost most.
A process that lives less than 0.2 s may be missed, and one first seen late loses what it used before.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from crawl_common import REPO, machine, proc_stat


@dataclass(slots=True)
class Process:
    kind: str
    parent: int
    cpu_at_start: float  # what it had used when first seen (the whole of it for one older than the run)
    cpu: float
    first: float
    last: float


def _kind(pid: str) -> str:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    exe, text = argv[0].decode(errors="replace"), b" ".join(argv).decode(errors="replace")
    for name in ("chrom", "node", "java"):
        if name in Path(exe).name:
            return "chromium" if name == "chrom" else name
    if "python" in Path(exe).name:
        return "worker" if " -c " in text or text.rstrip().endswith(" -c") else "python"
    return Path(exe).name or "other"


def watch(stop: threading.Event, seen: dict[int, Process]) -> None:
    while not stop.is_set():
        now = time.time()
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or (stat := proc_stat(entry)) is None:
                continue
            parent, cpu = stat
            known = seen.get(int(entry))
            if known is not None:
                known.cpu, known.last = max(known.cpu, cpu), now
                continue
            try:
                seen[int(entry)] = Process(_kind(entry), parent, cpu, cpu, now, now)
            except OSError:
                continue  # ended while being read
        stop.wait(0.2)


def charge(seen: dict[int, Process], tests: list[dict[str, object]], started: float) -> dict[str, Counter[str]]:
    """CPU-s per test by process kind: its worker's own, and its descendants' over their lives."""
    by_worker: dict[int, list[dict[str, object]]] = defaultdict(list)
    for line in tests:
        by_worker[int(str(line["pid"]))].append(line)
    cost: dict[str, Counter[str]] = defaultdict(Counter)
    for line in tests:
        cost[str(line["test"])]["worker"] += float(str(line["user"])) + float(str(line["system"]))
    for pid, proc in seen.items():
        if pid in by_worker:
            continue
        worker, hops = proc.parent, 0
        while worker not in by_worker and worker in seen and hops < 8:
            worker, hops = seen[worker].parent, hops + 1
        used = proc.cpu - (proc.cpu_at_start if proc.first - started < 1 else 0.0)
        if worker not in by_worker or used <= 0:
            continue
        middle = (proc.first + proc.last) / 2
        test = next(
            (
                str(t["test"])
                for t in by_worker[worker]
                if float(str(t["start"])) <= middle <= float(str(t["start"])) + float(str(t["wall"])) + 0.3
            ),
            "(between tests)",
        )
        cost[test][proc.kind] += used
    return cost


def _below(pid: int, root: int, seen: dict[int, Process]) -> bool:
    """`pid` is `root` or one of its descendants (as far as the parents seen reach: a process whose parent
    ended is re-parented to init, so a long-lived orphan of the run may be missed)."""
    hops = 0
    while pid != root and pid in seen and hops < 16:
        pid, hops = seen[pid].parent, hops + 1
    return pid == root


def busy_cores(seen: dict[int, Process], started: float, ended: float, step: float = 10.0) -> list[float]:
    bins = [0.0] * (int((ended - started) // step) + 1)
    for proc in seen.values():
        used = proc.cpu - (proc.cpu_at_start if proc.first - started < 1 else 0.0)
        life = max(proc.last - proc.first, 0.2)
        for i in range(len(bins)):
            overlap = min(proc.first + life, started + (i + 1) * step) - max(proc.first, started + i * step)
            if overlap > 0:
                bins[i] += used * overlap / life
    return [round(b / step, 2) for b in bins]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--top", type=int, default=30, help="modules and tests to list")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    account = Path(tempfile.mkdtemp()) / "cpu.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["GOVAUDIT_CPU_ACCOUNT"] = str(account)
    seen: dict[int, Process] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop, seen), daemon=True)
    started = time.time()
    watcher.start()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.cpu_account", "-n", str(args.workers)]
    command += ["--dist", "loadscope", "--no-loadscope-reorder", *args.pytest_args]
    pytest = subprocess.Popen(command, cwd=REPO, env=env)
    code = pytest.wait()
    ended = time.time()
    stop.set()
    watcher.join()
    tests = [json.loads(text) for text in account.read_text(encoding="utf-8").splitlines() if text]
    cost = charge(seen, tests, started)
    ours = {pid: proc for pid, proc in seen.items() if _below(pid, pytest.pid, seen)}
    kinds: Counter[str] = Counter()
    for proc in ours.values():
        kinds[proc.kind] += proc.cpu - (proc.cpu_at_start if proc.first - started < 1 else 0.0)
    others = sum(p.cpu - (p.cpu_at_start if p.first - started < 1 else 0.0) for i, p in seen.items() if i not in ours)
    print(f"\n{machine()}")
    print(f"pytest exit {code}, {ended - started:.0f} s wall, {sum(kinds.values()):.0f} CPU-s in pytest's processes")
    print("by kind:", ", ".join(f"{kind} {cpu:.0f}" for kind, cpu in kinds.most_common(8)))
    # How many were started: node is one Playwright driver each, Java one validator.
    started_kinds = Counter(proc.kind for proc in ours.values())
    print("processes by kind:", ", ".join(f"{kind} {n}" for kind, n in started_kinds.most_common(8)))
    # Anything else on the machine meanwhile (another run, a build) is counted apart: it is not the suite's.
    print(f"other processes on the machine meanwhile: {others:.0f} CPU-s")
    print("busy cores per 10 s (pytest's):", " ".join(f"{b:.2f}" for b in busy_cores(ours, started, ended)))
    print("busy cores per 10 s (machine):", " ".join(f"{b:.2f}" for b in busy_cores(seen, started, ended)))
    modules: Counter[str] = Counter()
    for test, counts in cost.items():
        modules[test.split("::")[0]] += sum(counts.values())
    print(f"\n{'CPU-s':>7}  module")
    for module, cpu in modules.most_common(args.top):
        print(f"{cpu:7.1f}  {module}")
    print(f"\n{'CPU-s':>7}  test (largest kinds)")
    for test, counts in sorted(cost.items(), key=lambda kv: -sum(kv[1].values()))[: args.top]:
        parts = ", ".join(f"{kind} {cpu:.1f}" for kind, cpu in counts.most_common(3))
        print(f"{sum(counts.values()):7.1f}  {test}  ({parts})")


if __name__ == "__main__":
    main()
