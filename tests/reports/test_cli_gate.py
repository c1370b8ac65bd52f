"""`govaudit audit` as a CI step: --fail-on and --baseline exit codes, --json on stdout, --format.

Exit codes 3 (unreachable) and 4 (browser missing) are tested in tests/test_cli.py; here 0, 1 and 2.
One small local site, audited three times in one database (the second and third runs carry the
unchanged page forward, so they are quick)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.localserver import LocalServer, page
from tests.test_cli import govaudit

pytestmark = pytest.mark.browser


def test_bad_input_exits_2_before_any_crawl(tmp_path: Path) -> None:
    # No server and no browser needed: the options are checked before anything is fetched.
    for args, message in (
        (("--format", "html,pdf"), "unknown format pdf"),
        (("--fail-on", "severe"), "--fail-on must be one of"),
        (("--baseline", str(tmp_path / "missing.json")), "cannot read baseline"),
    ):
        result = govaudit("audit", "http://127.0.0.1:9/", *args, tmp_path=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr


def test_fail_on_and_baseline_exit_codes(tmp_path: Path, chromium: str) -> None:
    state = {"extra": ""}
    routes = {
        "/": lambda _: page("Home", f'<img src="/logo.png"><a href="/about">About us</a>{state["extra"]}'),
        "/about": page("About us", "<p>Who we are.</p>"),
    }
    with LocalServer(routes) as server:
        # 1. A critical failure (image without alt) fails a gate on "critical"; --json prints the summary.
        first = govaudit(
            "audit",
            server.url("/"),
            "--out",
            str(tmp_path / "r1"),
            "--fail-on",
            "critical",
            "--json",
            tmp_path=tmp_path,
        )
        assert first.returncode == 1, first.stderr
        data = json.loads(first.stdout)  # stdout is the JSON alone: no progress bar, no table
        assert data["gate"]["failed"] and data["gate"]["blocking"][0]["rule_id"] == "image-alt"
        assert data["summary"]["wcag_failures"] >= 1 and "Gate failed" in first.stderr
        written = {Path(p).name for p in data["files"].values()}
        assert written == {
            "report.html",
            "report.json",
            "report.csv",
            "report.sarif",
            "report.junit.xml",
            "report.earl.jsonld",
            "statement.md",
        }
        # 2. The same issues with the first report as the baseline: nothing new, exit 0; only the asked formats.
        baseline = tmp_path / "r1" / "report.json"
        second = govaudit(
            "audit", server.url("/"), "--out", str(tmp_path / "r2"), "--baseline", str(baseline),
            "--format", "json,sarif", "--quiet", tmp_path=tmp_path,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert second.stdout == "" and sorted(p.name for p in (tmp_path / "r2").iterdir()) == [
            "report.json",
            "report.sarif",
        ]
        # 3. A new critical issue (a button without a name) is not in the baseline: exit 1.
        state["extra"] = "<button></button>"
        third = govaudit(
            "audit", server.url("/"), "--out", str(tmp_path / "r3"), "--baseline", str(baseline), "--json",
            tmp_path=tmp_path,
        )  # fmt: skip
        assert third.returncode == 1, third.stderr
        gate = json.loads(third.stdout)["gate"]
        blocking = {i["rule_id"] for i in gate["blocking"]}  # the empty button also misses target-size
        assert "button-name" in blocking and "image-alt" not in blocking and gate["known_in_baseline"] >= 1
        # --fail-on none (the default without a baseline) never fails the build.
        fourth = govaudit("audit", server.url("/"), "--out", str(tmp_path / "r4"), "--quiet", tmp_path=tmp_path)
        assert fourth.returncode == 0, fourth.stderr
    # The saved report can be gated again without a crawl, and its formats written again.
    shown = govaudit(
        "show", str(tmp_path / "r4" / "report.json"), "--fail-on", "serious", "--out", str(tmp_path / "again"),
        "--format", "junit", tmp_path=tmp_path,
    )  # fmt: skip
    assert shown.returncode == 1 and (tmp_path / "again" / "report.junit.xml").is_file()
    # The trend: the fourth report draws the earlier runs of the same site from the database.
    history = json.loads((tmp_path / "r4" / "report.json").read_text())["history"]
    assert len(history) == 4 and [h["run_id"] for h in history] == sorted(h["run_id"] for h in history)
