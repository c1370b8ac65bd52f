"""Opt-in pytest plugin: CPU seconds per test, to find where the suite's time really goes.

`pytest -p tests.cpu_account` with GOVAUDIT_CPU_ACCOUNT=<file> appends one JSON line per test
(setup, call and teardown together): user and system CPU of the test process itself and of the
children it has waited for (subprocesses, Chromium once its driver has reaped it). Each xdist worker
runs one test at a time, so the deltas are that test's own. `bench/cpu_account.py` sums the lines per
module; `bench/suite_cpu.py` also charges each test the processes below its worker (Chromium included), by
the worker's pid and the test's start. Without the variable the plugin does nothing.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Generator

import pytest


def _cpu() -> tuple[float, float, float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime, me.ru_stime, children.ru_utime, children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    target = os.environ.get("GOVAUDIT_CPU_ACCOUNT")
    if not target:
        yield
        return
    before, started = _cpu(), time.monotonic()
    yield
    after, wall = _cpu(), time.monotonic() - started
    user, system, child_user, child_system = (b - a for a, b in zip(before, after, strict=True))
    line = {
        "test": item.nodeid,
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "pid": os.getpid(),  # with "start": whose descendants' CPU (a browser the driver never reaps) is this test's
        "start": round(time.time() - wall, 3),
        "user": round(user, 3),
        "system": round(system, 3),
        "child_user": round(child_user, 3),
        "child_system": round(child_system, 3),
        "wall": round(wall, 3),
    }
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
