"""What `govaudit` says on a CI log: the version, errors with their real cause (as JSON under
--json), missing tools as exit 4 with how to install them, flags shown as flags."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.localserver import LocalServer, free_port, page
from tests.test_cli import govaudit


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    result = govaudit("--version", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"govaudit \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout


def test_boolean_flags_show_no_value_placeholder(tmp_path: Path) -> None:
    result = govaudit("audit", "--help", tmp_path=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode == 0
    quiet = next(line for line in result.stdout.splitlines() if "--quiet" in line)
    assert "<bool>" not in result.stdout, quiet
    assert "<int range>" in result.stdout  # a value-taking option keeps its type


def test_json_error_object_for_bad_input(tmp_path: Path) -> None:
    result = govaudit("audit", "not a url", "--json", tmp_path=tmp_path)
    assert result.returncode == 2
    error = json.loads(result.stdout)
    assert error["exit_code"] == 2 and "not an http(s) URL" in error["error"]
    assert "Traceback" not in result.stderr


def test_unreachable_host_names_the_real_cause_quickly_as_json(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    started = time.monotonic()
    result = govaudit("audit", url, "--json", "--out", str(tmp_path / "out"), tmp_path=tmp_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    error = json.loads(result.stdout)
    assert "refused the connection" in error["error"] and "robots.txt" not in error["error"]
    assert "robots.txt" not in result.stderr
    # No browser is started for a host that is down: bounded by the interpreter's start-up.
    assert elapsed < 60, elapsed


def test_unresolvable_host_says_it_does_not_resolve(tmp_path: Path) -> None:
    result = govaudit("audit", "http://no-such-host.invalid/", tmp_path=tmp_path)
    assert result.returncode == 3
    assert "does not resolve" in result.stderr and "robots.txt" not in result.stderr


def test_missing_axe_core_exits_4_with_how_to_install(tmp_path: Path) -> None:
    with LocalServer({"/": page("Home", "<p>x</p>")}) as server:
        result = govaudit(
            "audit", server.url("/"), "--json", tmp_path=tmp_path, env={"GOVAUDIT_AXE": "/nope/axe.min.js"}
        )
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    error = json.loads(result.stdout)
    assert "/nope/axe.min.js" in error["error"] and "npm ci" in error["error"]


def test_missing_chromium_exits_4_as_json(tmp_path: Path) -> None:
    with LocalServer({"/": page("Home", "<p>x</p>")}) as server:
        result = govaudit(
            "audit", server.url("/"), "--json", tmp_path=tmp_path, env={"GOVAUDIT_CHROMIUM": "/nope/chromium"}
        )
    assert result.returncode == 4
    assert "apt-get install chromium" in json.loads(result.stdout)["error"]


def test_bad_setting_in_the_environment_exits_2_naming_it(tmp_path: Path) -> None:
    result = govaudit("sites", "list", tmp_path=tmp_path, env={"GOVAUDIT_CONCURRENCY": "many"})
    assert result.returncode == 2
    assert "GOVAUDIT_CONCURRENCY" in result.stderr and "'many'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_validator_url_that_is_no_url_exits_2_naming_it(tmp_path: Path) -> None:
    result = govaudit("sites", "list", tmp_path=tmp_path, env={"GOVAUDIT_VALIDATOR_URL": "localhost:8888"})
    assert result.returncode == 2
    assert "GOVAUDIT_VALIDATOR_URL" in result.stderr and "'localhost:8888'" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_is_a_json_object_under_json(tmp_path: Path) -> None:
    result = govaudit("audit", "http://127.0.0.1:9/", "--max-pages", "0", "--json", tmp_path=tmp_path)
    assert result.returncode == 2
    error = json.loads(result.stdout)
    assert error["exit_code"] == 2 and "--max-pages" in error["error"]
