"""`govaudit audit` in a CI log: progress lines off a terminal, the top accessibility issues at the
end (no survey table), and Ctrl-C writing the report of what was audited, marked interrupted."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from sqlalchemy import select

from storage import Store, models
from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response, page

PROGRESS = re.compile(r": (\d+) pages done, (\d+) queued, (\d+) failed \(")


def _slow_site(pages: int, delay_s: float) -> dict[str, object]:
    """A chain of pages, each answering after `delay_s`, each linking to the next and to a missing page."""

    def slow(n: int) -> Callable[[BaseHTTPRequestHandler], Response]:
        def route(_: BaseHTTPRequestHandler) -> Response:
            time.sleep(delay_s)
            return page(f"Page {n}", f'<img src="/i{n}.png"><a href="/p{n + 1}">Next</a> <a href="/gone">Old</a>')

        return route

    routes: dict[str, object] = {"/": slow(0)}
    routes.update({f"/p{n}": slow(n) for n in range(1, pages)})
    return routes


def test_progress_lines_and_top_issues_off_a_terminal(tmp_path: Path, chromium: str) -> None:
    # In this process: its stderr is captured, not a terminal, as in a CI log (the lines are counted, not timed).
    with LocalServer(_slow_site(4, 0.5)) as server:  # type: ignore[arg-type]
        result = run_govaudit(
            "audit",
            server.url("/"),
            "--format",
            "json,html",
            "--out",
            "out",
            cwd=tmp_path,
            env={
                **os.environ,
                "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
                "GOVAUDIT_PROGRESS_INTERVAL": "1",
            },
        )
    assert result.returncode == 0, result.stderr
    lines = [m for m in map(PROGRESS.search, result.stderr.splitlines()) if m]
    assert len(lines) >= 2, result.stderr  # at least one periodic line and the closing one
    done, queued, failed = (int(g) for g in lines[-1].groups())
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert done == report["summary"]["pages_crawled"] and queued == 0
    # /gone and /p4 answer 404: the failures the report lists too.
    assert failed == sum(1 for p in report["pages"] if p["status"] not in ("ok", "login_wall", "not_modified")) == 2
    # Counts only grow from line to line.
    assert [int(m.group(1)) for m in lines] == sorted(int(m.group(1)) for m in lines)
    assert "Top accessibility issues" in result.stdout and "image-alt" in result.stdout
    assert "Suggested answers" not in result.stdout and "Reports: " in result.stdout
    assert "\x1b[" not in result.stderr  # no terminal control codes in a log


def test_ctrl_c_writes_the_report_of_what_was_audited_marked_interrupted(tmp_path: Path, chromium: str) -> None:
    env = {
        **os.environ,
        "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "GOVAUDIT_PROGRESS_INTERVAL": "0.5",
    }
    with LocalServer(_slow_site(60, 0.5)) as server:  # type: ignore[arg-type]
        process = subprocess.Popen(
            [sys.executable, "-m", "govaudit", "audit", server.url("/"), "--max-pages", "60", "--out", "out", "--json"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        seen: list[str] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if (m := PROGRESS.search(line)) and int(m.group(1)) >= 2:
                process.send_signal(signal.SIGINT)
                break
        else:
            process.kill()
        stdout, stderr = process.communicate(timeout=240)
    stderr = "".join(seen) + stderr
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["run"]["status"] == "interrupted"
    assert 2 <= report["summary"]["pages_crawled"] < 60
    assert "interrupted" in (tmp_path / "out" / "report.html").read_text()
    assert json.loads(stdout)["summary"]["pages_crawled"] == report["summary"]["pages_crawled"]
    with Store(env["GOVAUDIT_DATABASE_URL"]) as store, store.transaction(readonly=True) as session:
        assert list(session.scalars(select(models.CrawlRunRow.status))) == ["interrupted"]
