"""`govaudit demo` end to end, as `make demo` runs it: real Chromium, SQLite, both demo portals.

The run happens once per test session (the `demo_run` fixture of tests/conftest.py: a subprocess,
like a user's, shared with the web app's tests); each test reads its report against the demo's truth file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.yaml_data import load_yaml
from govaudit.demo import server as demo_server
from tests.cli_inprocess import run_govaudit

pytestmark = pytest.mark.browser

TRUTH = load_yaml((Path(demo_server.__file__).parent / "truth.yaml").read_text(encoding="utf-8"))
FOUNDATION_OSI = ("003", "005", "008", "014", "071", "074")


@pytest.fixture(scope="module")
def reports(demo_run: Path) -> dict[str, dict[str, Any]]:
    assert "Traceback" not in (demo_run / "stderr.txt").read_text(encoding="utf-8")
    return {
        "national": json.loads((demo_run / "out" / "report.json").read_text()),
        "city": json.loads((demo_run / "out" / "city" / "report.json").read_text()),
    }


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def answers(report: dict[str, Any], instrument: str) -> dict[str, dict[str, Any]]:
    return {a["question"]: a for a in report["answers"] if a["instrument"] == instrument}


def test_national_portal_is_crawled_in_full(reports: dict[str, dict[str, Any]]) -> None:
    report = reports["national"]
    truth = TRUTH["portals"]["national"]
    assert report["summary"]["pages_crawled"] >= truth["pages_min"]
    assert report["run"]["status"] == "completed"
    crawled = {path_of(p["url"]) for p in report["pages"]}
    # Pages reachable only through links that a script inserts are found too.
    assert set(truth["js_only"]) <= crawled


def test_deliberate_failures_are_found_and_clean_twins_pass(reports: dict[str, dict[str, Any]]) -> None:
    report = reports["national"]
    pages = {path_of(p["url"]): p for p in report["pages"]}
    failed_rules: dict[str, set[str]] = {}
    for issue in report["accessibility"]["issues"]:
        for page in issue["pages"]:
            failed_rules.setdefault(path_of(page), set()).add(issue["rule_id"])
    broken = TRUTH["portals"]["national"]["accessibility"]["broken"]
    assert broken
    for case in broken:
        assert set(case["axe_violations"]) <= failed_rules.get(case["path"], set()), case["path"]
        if twin := case.get("clean_twin"):
            assert pages[twin]["failed"] == 0, twin
    broken_paths = {case["path"] for case in broken}
    unexpected = {path for path, rules in failed_rules.items() if path not in broken_paths}
    assert not unexpected, f"failures on pages the truth file calls clean: {unexpected}"


@pytest.mark.parametrize("code", FOUNDATION_OSI)
def test_osi_answers_match_the_truth(reports: dict[str, dict[str, Any]], code: str) -> None:
    answer = answers(reports["national"], "OSI-2024")[code]
    expected = TRUTH["portals"]["national"]["instruments"]["OSI-2024"][code]["value"]
    assert answer["value"] == expected, answer
    assert answer["outcome"] in ("passed", "failed")
    if expected == "present":
        evidence_paths = {path_of(e["url"]).split("?")[0] for e in answer["evidence"]}
        truth_paths = {
            p.split("?")[0] for p in TRUTH["portals"]["national"]["instruments"]["OSI-2024"][code].get("evidence", [])
        }
        assert evidence_paths & truth_paths or code == "071", (evidence_paths, truth_paths)


def test_every_osi_question_is_answered_or_marked_not_tested(reports: dict[str, dict[str, Any]]) -> None:
    from rules.instruments import load_instrument

    got = answers(reports["national"], "OSI-2024")
    assert set(got) == set(load_instrument("OSI-2024").codes)
    assert all(a["outcome"] != "not_tested" or a["rationale"] for a in got.values())


def test_city_portal_answers_losi(reports: dict[str, dict[str, Any]]) -> None:
    from rules.instruments import load_instrument

    got = answers(reports["city"], "LOSI-2024")
    assert set(got) == set(load_instrument("LOSI-2024").codes)
    assert all(a["outcome"] != "not_tested" or a["rationale"] for a in got.values())
    truth = TRUTH["portals"]["city"]["instruments"]["LOSI-2024"]
    checked = 0
    for code, answer in got.items():
        if answer["outcome"] in ("passed", "failed") and code in truth:
            assert answer["value"] == truth[code]["value"], (code, answer)
            checked += 1
    assert checked >= 4
    assert not answers(reports["city"], "OSI-2024")


def test_html_report_is_self_contained(
    reports: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from reports import render_html
    from reports.serial import from_plain
    from reports.types import Report

    html = render_html(from_plain(Report, reports["national"]))
    assert "<script" not in html and "<link" not in html  # nothing fetched from elsewhere
    assert "Suggested survey answers" in html and "image-alt" in html


def test_eval_command_scores_the_demo_run_perfectly(
    reports: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("eval")
    paths = []
    for name, report in reports.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(report))
        paths.append(str(path))
    # In this process (tests/cli_inprocess.py): what is tested is the command's scores, not a process of its own.
    result = run_govaudit("eval", *paths, cwd=folder, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    # The caption (answered precision and present recall first) is longer than a line: Rich wraps it.
    words = " ".join(result.stdout.split())
    overall = re.findall(r"overall precision (\S+), recall (\S+),", words)
    assert overall == [("1.00", "1.00")] * 2, result.stdout
