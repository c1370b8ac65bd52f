"""`govaudit audit` on the demo national portal writes every format; the SARIF validates against the
2.1.0 schema, the JUnit XML is read by junitparser, and the HTML report and the country dashboard pass
our own audit (axe-core plus our checks) with 0 WCAG failures and are looked at in a real browser.

The reports are those of the session's one `govaudit demo` run (the `demo_run` fixture of tests/conftest.py:
a subprocess, as a user runs it), whose national portal report is the one read here; the country dashboard
is written from a copy of its database."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import JUnitXml

from crawler.render import CHROMIUM_ARGS
from reports import render_html
from reports.gate import evaluate
from reports.serial import read_report, to_json
from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response

pytestmark = pytest.mark.browser

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # In this process (tests/cli_inprocess.py): what is tested is what the commands write, not a process
    # of their own; the demo run itself stays a subprocess (`demo_run`). About a CPU-s of imports a call.
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{cwd}/demo.db"}
    return run_govaudit(*args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_run: Path) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("demo-reports")
    shutil.copyfile(demo_run / "demo.db", tmp / "demo.db")  # `report` records trend points: never the shared one
    dashboard = run_cli("report", "--country", "VLD", "--out", str(tmp / "dash"), "--quiet", cwd=tmp)
    assert dashboard.returncode == 0, dashboard.stderr[-3000:]
    # The gate `govaudit audit --json` prints for this report (`audit`'s default --fail-on is none).
    gate = evaluate(read_report(demo_run / "out" / "report.json"), "none").as_dict()
    return {"dir": tmp, "out": demo_run / "out", "gate": gate}


def test_every_format_is_written(demo: dict[str, Any]) -> None:
    out: Path = demo["out"]
    names = {p.name for p in out.iterdir() if p != out / "city"}  # the demo writes the city portal's there
    assert names == {
        "report.html",
        "report.json",
        "report.csv",
        "report.sarif",
        "report.junit.xml",
        "report.earl.jsonld",
        "statement.md",
    }
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["score"] is not None and report["accessibility"]["issues"]
    rows = list(csv.DictReader((out / "report.csv").open(encoding="utf-8")))
    assert any(r["rule_id"] == "image-alt" for r in rows)
    earl = json.loads((out / "report.earl.jsonld").read_text())
    assert any(n.get("assertions") for n in earl["@graph"])
    statement = (out / "statement.md").read_text()
    assert "partially compliant" in statement and "1.1.1 Non-text Content" in statement
    assert demo["gate"]["fail_on"] == "none" and not demo["gate"]["failed"]


def test_sarif_validates_and_junit_parses(demo: dict[str, Any]) -> None:
    out: Path = demo["out"]
    sarif = json.loads((out / "report.sarif").read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert any(r["ruleId"] == "image-alt" and r["level"] == "error" for r in sarif["runs"][0]["results"])
    xml = JUnitXml.fromfile(str(out / "report.junit.xml"))
    report = json.loads((out / "report.json").read_text())
    assert xml.failures >= report["summary"]["pages_with_failures"] > 0
    assert len(list(xml)) == sum(1 for p in report["pages"] if p["outcomes"].keys() - {"inapplicable"})


def _with_trend(path: Path) -> str:
    """The report as a second run would show it: with a trend chart (an earlier point added)."""
    report = read_report(path)
    earlier = dataclasses.replace(report.history[-1], run_id=0, score=71.5)
    return render_html(dataclasses.replace(report, history=(earlier, *report.history)))


def test_report_json_reads_back_as_the_same_report(demo: dict[str, Any]) -> None:
    path: Path = demo["out"] / "report.json"
    report = read_report(path)
    assert report.accessibility.issues and report.answers and report.history
    assert to_json(report) == path.read_text(encoding="utf-8")  # every key and value, in the same order


@pytest.mark.parametrize("which", ["report", "dashboard"])
def test_our_reports_pass_our_own_audit(demo: dict[str, Any], which: str) -> None:
    if which == "report":
        html = _with_trend(demo["out"] / "report.json")
    else:
        html = (demo["dir"] / "dash" / "dashboard.html").read_text()
    with LocalServer({"/": Response(html)}) as server:
        # One page: the report links to the demo portal, which is no longer served.
        result = run_cli(
            "audit", server.url("/"), "--max-pages", "1", "--out", str(demo["dir"] / f"self-{which}"),
            "--fail-on", "minor", "--json", "--format", "json", cwd=demo["dir"],
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((demo["dir"] / f"self-{which}" / "report.json").read_text())
    assert report["summary"]["pages_audited"] == 1
    wcag = [(i["rule_id"], i["nodes"][:1]) for i in report["accessibility"]["issues"] if i["is_wcag"]]
    assert wcag == [], wcag
    assert report["summary"]["score"] == 100.0


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_in_a_real_browser(demo: dict[str, Any], chromium: str) -> None:
    from playwright.async_api import async_playwright

    path = demo["dir"] / "trend-report.html"
    path.write_text(_with_trend(demo["out"] / "report.json"), encoding="utf-8")

    async def shoot() -> tuple[bytes, int, int, bool]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
            try:
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                await page.goto(path.as_uri())
                await page.locator("#issue-1 > summary").click()  # open the first issue
                shot = await page.screenshot(full_page=True)
                charts = await page.locator("svg.chart").count()
                await page.set_viewport_size({"width": 320, "height": 640})
                overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                visible = await page.locator("#issue-1 dl").is_visible()
                await page.close()
            finally:
                await browser.close()
        return shot, charts, overflow, visible

    shot, charts, overflow, visible = asyncio.run(shoot())
    (demo["dir"] / "report.png").write_bytes(shot)
    width, height = _png_size(shot)
    assert width == 1280 and 2000 < height < 60000, (width, height)
    assert len(shot) > 50_000  # a rendered page, not a blank one
    assert charts >= 4  # impact, principle, trend, criteria
    assert overflow <= 1 and visible  # no sideways scrolling at 320 px; the opened issue shows its help
