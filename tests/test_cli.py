"""The command line fails with a clear message and a documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from storage import Store
from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response, free_port


def govaudit(*args: str, tmp_path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """In this process: these tests are about exit codes, messages and files, not about a process."""
    full_env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", **(env or {})}
    return run_govaudit(*args, cwd=tmp_path, env=full_env)


@pytest.mark.parametrize("url", ["not a url", "ftp://gov.example/", "http://"])
def test_bad_url_exits_2_with_a_hint(url: str, tmp_path: Path) -> None:
    result = govaudit("audit", url, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["audit", "assess"])
def test_bad_as_of_exits_2_before_any_crawl(command: str, tmp_path: Path) -> None:
    result = govaudit(command, f"http://127.0.0.1:{free_port()}/", "--as-of", "2016-13-40", tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "--as-of must be a date as YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_host_exits_3(tmp_path: Path, chromium: str) -> None:
    result = govaudit("audit", f"http://127.0.0.1:{free_port()}/", "--out", str(tmp_path / "out"), tmp_path=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "cannot reach" in result.stderr and "refused the connection" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "report.html").exists()


def test_missing_browser_exits_4_and_says_how_to_install(tmp_path: Path) -> None:
    with LocalServer({"/": Response("<html lang=en><title>x</title></html>")}) as server:
        result = govaudit(
            "audit", server.url("/"), tmp_path=tmp_path, env={"GOVAUDIT_CHROMIUM": str(tmp_path / "no-such-chromium")}
        )
    assert result.returncode == 4
    assert "apt-get install chromium" in result.stderr and "Traceback" not in result.stderr


def test_audit_of_a_small_site_writes_both_reports(tmp_path: Path, chromium: str) -> None:
    routes = {
        "/": Response(
            '<!doctype html><html lang="en"><head><title>Home</title></head><body><main>'
            '<h1>Home</h1><img src="/x.png"><a href="/b">Second page</a></main></body></html>'
        ),
        "/b": Response(
            '<!doctype html><html lang="en"><head><title>B</title></head><body><main><h1>B</h1></main></body></html>'
        ),
    }
    with LocalServer(routes) as server:
        result = govaudit("audit", server.url("/"), "--out", str(tmp_path / "out"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "out" / "report.json").read_text()
    assert '"pages_crawled": 2' in report and "image-alt" in report
    assert (tmp_path / "out" / "report.html").read_text().startswith("<!doctype html>")


def test_second_audit_of_an_unchanged_site_carries_results_forward(tmp_path: Path, chromium: str) -> None:
    routes = {
        "/": Response(
            '<!doctype html><html lang="en"><head><title>Home</title></head><body><main><h1>Home</h1>'
            '<img src="/x.png"><a href="/contact">Contact us</a></main></body></html>'
        ),
        "/contact": Response(
            '<!doctype html><html lang="en"><head><title>Contact</title></head><body><main>'
            '<h1>Contact</h1><a href="mailto:info@gov.example">info@gov.example</a></main></body></html>'
        ),
    }
    reports = []
    with LocalServer(routes) as server:
        for n in range(2):
            out = tmp_path / f"out{n}"
            result = govaudit("audit", server.url("/"), "--out", str(out), "--quiet", tmp_path=tmp_path)
            assert result.returncode == 0, result.stderr
            reports.append(json.loads((out / "report.json").read_text()))
    first, second = reports
    assert {p["status"] for p in second["pages"]} == {"not_modified"}
    assert not any(p["rendered"] for p in second["pages"])  # nothing rendered again …
    # … yet the accessibility results and the answers are the same, carried by reference.
    assert [i["rule_id"] for i in second["accessibility"]["issues"]] == [
        i["rule_id"] for i in first["accessibility"]["issues"]
    ]
    answers = [{(a["question"], a["value"], a["outcome"]) for a in r["answers"]} for r in reports]
    assert answers[0] == answers[1]


def test_assess_prints_every_question_with_value_or_reason(tmp_path: Path, chromium: str) -> None:
    routes = {
        "/": Response(
            '<!doctype html><html lang="en"><head><title>Portal</title></head><body><main>'
            "<h1>Portal</h1></main></body></html>"
        )
    }
    with LocalServer(routes) as server:
        args = ("--country", "fra", "--kind", "city_portal", "--out", str(tmp_path / "out"), "--quiet")
        result = govaudit("assess", server.url("/"), *args, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads((tmp_path / "out" / "report.json").read_text())["answers"]
    # Registered with its country, kind and the registry's languages: the web app lists it under FRA.
    with Store(f"sqlite:///{tmp_path}/cli.db") as store:
        [site] = store.registry.find(country="FRA")
    assert (site.config.home_url, site.config.kind, site.config.languages) == (server.url("/"), "city_portal", ("fr",))
    both = govaudit("assess", "https://gov.example/", "--site", "1", tmp_path=tmp_path)
    assert both.returncode == 2 and "exactly one" in both.stderr
    malformed = govaudit("assess", "https://gov.example/", "--country", "FR", tmp_path=tmp_path)
    assert malformed.returncode == 2 and "alpha-3" in malformed.stderr
    unknown = govaudit("assess", "--country", "ZZZ", tmp_path=tmp_path)
    assert unknown.returncode == 2 and "no registered site" in unknown.stderr


def _templated_site(n: int) -> dict[str, Response]:
    nav = '<nav><a href="/">Home</a> <a href="/contact">Contact</a> <a href="/accessibility">Accessibility</a></nav>'
    links = "".join(f'<li><a href="/news/{i}">News {i}</a></li>' for i in range(n))

    def doc(title: str, body: str) -> Response:
        return Response(
            f'<!doctype html><html lang="en"><head><title>{title}</title></head><body>{nav}<main>'
            f"<h1>{title}</h1>{body}</main></body></html>"
        )

    routes = {
        "/": doc("Home", f"<ul>{links}</ul>"),
        "/contact": doc("Contact", "<p>Call +1 555 0100</p>"),
        "/accessibility": doc(
            "Accessibility statement",
            "<p>This site is partially conformant with WCAG 2.1 AA. Prepared on 1 November 2026.</p>",
        ),
    }
    for i in range(n):
        routes[f"/news/{i}"] = doc(f"News {i}", f'<p>Story {i}</p><img src="/i{i}.png">')
    return routes


def test_sample_audits_fewer_pages_and_is_reproducible(tmp_path: Path, chromium: str) -> None:
    reports = []
    # Two pages in the browser at once: the sample's few pages open two tabs (a renderer each), not four.
    # Which pages are drawn does not depend on it.
    two_tabs = {"GOVAUDIT_RENDER_CONCURRENCY": "2"}
    with LocalServer(_templated_site(30)) as server:
        for n in range(2):
            out = tmp_path / f"s{n}"
            args = ("--sample", "--seed", "7", "--out", str(out), "--quiet")
            result = govaudit("audit", server.url("/"), *args, tmp_path=tmp_path, env=two_tabs)
            assert result.returncode == 0, result.stderr
            reports.append(json.loads((out / "report.json").read_text()))
    first = reports[0]
    sample = first["run"]["stats"]["sample"]
    assert sample["seed"] == 7 and sample["population"] == 33
    rendered = [p for p in first["pages"] if p["rendered"]]
    assert 3 <= len(rendered) < 33  # the structured pages and a random tenth, not everything
    assert {p["url"] for p in rendered} <= set(sample["reasons"])
    assert any(i["rule_id"] == "image-alt" for i in first["accessibility"]["issues"])
    # The second run finds the site unchanged, but the sample drawn with the same seed is the same.
    assert reports[1]["run"]["stats"]["sample"]["reasons"] == sample["reasons"]


def test_unknown_standard_exits_2(tmp_path: Path) -> None:
    result = govaudit("audit", "http://127.0.0.1:9/", "--standard", "wcag3", tmp_path=tmp_path)
    assert result.returncode == 2 and "--standard must be one of" in result.stderr


def test_a_start_url_that_is_not_html_audits_nothing_and_exits_3(tmp_path: Path, chromium: str) -> None:
    icon = Response(b"\x00\x00\x01\x00" + bytes(60), headers={"Content-Type": "image/vnd.microsoft.icon"})
    with LocalServer({"/favicon.ico": icon}) as server:
        result = govaudit(
            "audit",
            server.url("/favicon.ico"),
            "--fail-on",
            "serious",
            "--out",
            str(tmp_path / "out"),
            tmp_path=tmp_path,
        )
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "no page could be audited" in result.stderr and "image/vnd.microsoft.icon" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / "report.json").exists()
    with Store(f"sqlite:///{tmp_path}/cli.db") as store:
        run = store.runs.load(1)
    assert run.status == "failed" and "no page could be audited" in (run.error or "")
    assert not run.answers


def test_a_changed_stylesheet_or_engine_means_the_page_is_audited_again(tmp_path: Path, chromium: str) -> None:
    """Fresh results: a page whose HTML is unchanged is carried forward only while its stylesheet
    and the engines are too; --fresh audits everything again."""
    html = (
        '<!doctype html><html lang="en"><head><title>Fees</title><link rel="stylesheet" href="/site.css"></head>'
        "<body><main><h1>Fees</h1><p>Passport renewal costs 80 euros and takes three weeks.</p></main></body></html>"
    )
    css = {"Content-Type": "text/css"}
    routes = {"/": Response(html), "/site.css": Response("body { color: #000; background: #fff }", headers=css)}

    def audit(server: LocalServer, n: int, *extra: str) -> dict:
        out = tmp_path / f"out{n}"
        result = govaudit("audit", server.url("/"), "--out", str(out), "--quiet", *extra, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        return json.loads((out / "report.json").read_text())

    def contrast(report: dict) -> bool:
        return any(i["rule_id"] == "color-contrast" for i in report["accessibility"]["issues"])

    def statuses(report: dict) -> set[str]:
        return {p["status"] for p in report["pages"]}

    with LocalServer(routes) as server:
        first = audit(server, 0)
        routes["/site.css"] = Response("body { color: #ccc; background: #fff }", headers=css)
        second = audit(server, 1)
        third = audit(server, 2)
        fresh = audit(server, 3, "--fresh")
        other_standard = audit(server, 4, "--standard", "wcag21")
    assert not contrast(first) and statuses(first) == {"ok"}
    assert contrast(second) and statuses(second) == {"ok"}  # same HTML, new stylesheet: audited again
    assert contrast(third) and statuses(third) == {"not_modified"}  # nothing changed: carried forward
    assert contrast(fresh) and statuses(fresh) == {"ok"}
    assert statuses(other_standard) == {"ok"}  # another standard is another engine: audited again


def test_fail_on_accepts_a_best_practice_form_and_rejects_others(tmp_path: Path) -> None:
    bad = govaudit("audit", "http://127.0.0.1:9/", "--fail-on", "loud+best-practice", tmp_path=tmp_path)
    assert bad.returncode == 2 and "--fail-on must be one of" in bad.stderr
    # Valid: the run gets past the option check (and then fails to reach the closed port, exit 3).
    good = govaudit("audit", "http://127.0.0.1:9/", "--fail-on", "serious+best-practice", tmp_path=tmp_path)
    assert good.returncode != 2, good.stderr
