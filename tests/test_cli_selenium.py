"""`govaudit audit --driver selenium` / `--selenium-url`: the same axe outcomes as Playwright, clear errors.

Browser tests run real headless Chromium against a site on 127.0.0.1 (the CLI allows the start URL's host).
No Selenium Grid jar is available offline; chromedriver speaks the same W3C WebDriver protocol, so a
chromedriver started on a port stands in for the Grid.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govaudit.selenium_audit import BadGridURL, check_grid_url
from storage import Store
from tests.localserver import LocalServer, Response, free_port, page
from tests.test_cli import govaudit

# A few pages that differ: one clean, one with form problems (one of them inserted by a script after load,
# which both drivers must wait for), one with contrast, no lang and an iframe whose link axe must reach.
SITE: dict[str, Response] = {
    "/": page(
        "Home", '<p>Start here.</p><a href="/forms">Forms</a> <a href="/contrast">Contrast</a> <a href="/b">Plain</a>'
    ),
    "/b": page("Plain", "<p>Nothing wrong here.</p>"),
    "/forms": page(
        "Forms",
        '<img src="/x.png"><form><input type="text" name="q"><button></button></form>'
        "<script>setTimeout(() => document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<input type=checkbox name=late>'), 100)</script>",
    ),
    "/contrast": Response(
        "<!doctype html><html><head><title>Contrast</title></head><body><main><h1>Contrast</h1>"
        '<p style="color:#bbb;background:#fff">Faint text</p>'
        '<iframe title="embedded" src="/frame"></iframe></main></body></html>'
    ),
    "/frame": page("Frame", '<a href="/x"><img src="/y.png"></a>'),
}

Outcomes = dict[str, set[tuple[str, str, int]]]


def audit(server: LocalServer, tmp: Path, name: str, *args: str) -> dict:
    """`govaudit audit` of the site into its own database (a shared one would make the second run an
    incremental one); returns the --json summary. Checks that no browser or chromedriver outlives it."""
    tag = f"{name}-{uuid.uuid4().hex}"
    result = govaudit(
        "audit",
        server.url("/"),
        "--max-pages",
        "6",
        "--out",
        str(tmp / name),
        "--format",
        "json",
        "--json",
        *args,
        tmp_path=tmp,
        env={"GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp}/{name}.db", "GOVAUDIT_TEST_RUN": tag},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert outliving(f"GOVAUDIT_TEST_RUN={tag}") == [], "a browser or chromedriver outlived the run"
    return {**json.loads(result.stdout), "db": f"sqlite:///{tmp}/{name}.db", "stderr": result.stderr}


def outliving(marker: str, grace_s: float = 5.0) -> list[int]:
    """Processes still running that inherited the run's marker in their environment (its browsers and
    chromedriver do), after a moment's grace: a SIGKILL takes effect asynchronously."""
    deadline = time.monotonic() + grace_s
    while True:
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if marker.encode() in environ.read_bytes().split(b"\0"):
                    state = (environ.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        found.append(int(environ.parent.name))
            except (OSError, IndexError):
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def axe_outcomes(summary: dict) -> tuple[Outcomes, set[tuple[str, str]]]:
    """Per page: (rule id, outcome, node count) of every axe-core result; and the engines recorded."""
    with Store(summary["db"]) as store:
        run = store.runs.load(summary["run"])
    pages: Outcomes = {}
    engines = set()
    for visit in run.visits:
        axe = [r for r in visit.audits if r.engine == "axe-core"]
        if axe:
            pages[visit.requested_url] = {(r.rule_id, str(r.outcome), len(r.nodes)) for r in axe}
            engines |= {(r.engine, r.engine_version) for r in axe}
    return pages, engines


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    with LocalServer(SITE) as server:
        yield server


@pytest.fixture(scope="module")
def playwright_run(site: LocalServer, chromium: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The reference: the default driver. Our own checks run after axe on each page, so they cannot change
    axe's results; only axe-core's results are compared."""
    return audit(site, tmp_path_factory.mktemp("playwright"), "playwright")


@pytest.mark.browser
def test_selenium_driver_gives_the_same_axe_outcomes_as_playwright(
    site: LocalServer, playwright_run: dict, chromedriver: str, tmp_path: Path
) -> None:
    selenium = audit(site, tmp_path, "selenium", "--driver", "selenium")
    expected, engines = axe_outcomes(playwright_run)
    got, selenium_engines = axe_outcomes(selenium)
    # Every page crawled was audited, and the pages really differ.
    assert len(expected) == 4 and set(got) == set(expected)
    failed = {url.rsplit("/", 1)[1]: {k[0] for k in keys if k[1] == "failed"} for url, keys in expected.items()}
    assert failed["b"] == set()
    assert {"image-alt", "label", "button-name"} <= failed["forms"]
    assert {"color-contrast", "html-has-lang", "link-name"} <= failed["contrast"]
    # The checkbox inserted after load is seen by both (label fails on 2 nodes, not 1).
    assert any(k[:2] == ("label", "failed") and k[2] == 2 for k in expected[site.url("/forms")])
    for url in expected:
        assert got[url] == expected[url], url
    assert selenium_engines == engines and len(engines) == 1 and next(iter(engines))[1].startswith("4.")
    # Said, not silent: the run records the driver and that our own checks did not run; none of their results.
    assert "own checks not run with --driver selenium" not in selenium["stderr"]  # --json: stderr stays quiet
    driver = json.loads((tmp_path / "selenium" / "report.json").read_text())["run"]["stats"]["driver"]
    assert driver["name"] == "selenium" and "own checks not run" in driver["own_checks"]
    assert "keyboard" in driver["not_run"] and "reflow" in driver["not_run"]
    with Store(selenium["db"]) as store:
        run = store.runs.load(selenium["run"])
    assert {r.engine for v in run.visits for r in v.audits} <= {"axe-core", "govaudit"}
    assert not {r.rule_id for v in run.visits for r in v.audits} & {"reflow", "keyboard", "text-spacing"}
    assert run.settings["driver"]["name"] == "selenium"
    assert all(v.rendered for v in run.visits if v.requested_url in got)


@pytest.fixture
def remote_webdriver(chromedriver: str) -> Iterator[str]:
    """chromedriver on a port: a W3C WebDriver endpoint as a Grid would be. Killed with its browsers."""
    port = free_port()
    process = subprocess.Popen(
        [chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/status", timeout=2).json()["value"]["ready"]:
                    break
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"chromedriver on port {port} did not start")
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.browser
def test_selenium_url_audits_through_a_remote_webdriver(
    site: LocalServer, playwright_run: dict, remote_webdriver: str, chromium: str, tmp_path: Path
) -> None:
    # --selenium-url alone implies the selenium driver; --sample exercises the sampled path through it.
    summary = audit(site, tmp_path, "grid", "--selenium-url", remote_webdriver + "/", "--sample", "--seed", "1")
    expected, _ = axe_outcomes(playwright_run)
    got, _ = axe_outcomes(summary)
    report = json.loads((tmp_path / "grid" / "report.json").read_text())
    sampled = set(report["sample"]["reasons"])
    assert site.url("/") in sampled and set(got) == sampled & set(expected)
    for url in got:
        assert got[url] == expected[url], url
    driver = report["run"]["stats"]["driver"]
    assert driver["grid_url"] == remote_webdriver and driver["chromedriver"] is None
    assert driver["browser_version"]


# --- errors: a clear message, the documented exit code, never a traceback, and no crawl before them ------


def run_failing(*args: str, tmp_path: Path, env: dict[str, str] | None = None) -> tuple[int, str, dict[str, int]]:
    """Run `govaudit <args>` against a site; return its exit code, stderr and the site's hits."""
    with LocalServer({"/": page("Home", "<p>Home</p>")}) as server:
        command, *rest = args
        result = govaudit(command, server.url("/"), *rest, tmp_path=tmp_path, env=env)
        hits = dict(server.hits)
    assert "Traceback" not in result.stderr, result.stderr
    assert "error:" in result.stderr
    return result.returncode, " ".join(result.stderr.split()), hits  # as one line: Rich wraps at 80 columns


@pytest.mark.parametrize(
    ("grid", "says"),
    [
        ("ftp://grid.example:4444", "not a WebDriver endpoint URL"),
        ("localhost:4444", "not a WebDriver endpoint URL"),
        ("http://grid.example:99999", "not a valid URL"),
        ("http://grid.example:4444/?x=1", "no query"),
    ],
)
def test_malformed_selenium_urls_are_refused(grid: str, says: str) -> None:
    with pytest.raises(BadGridURL, match=says):
        check_grid_url(grid)
    assert check_grid_url(" http://grid.example:4444/wd/hub/ ") == "http://grid.example:4444/wd/hub"


@pytest.mark.parametrize("command", ["audit", "assess"])
def test_malformed_selenium_url_exits_2_before_the_crawl(command: str, tmp_path: Path) -> None:
    code, stderr, hits = run_failing(command, "--selenium-url", "ftp://grid.example:4444", tmp_path=tmp_path)
    assert code == 2 and "not a WebDriver endpoint URL" in stderr
    assert hits == {}


def test_unreachable_selenium_url_exits_2_before_the_crawl(tmp_path: Path) -> None:
    grid = f"http://127.0.0.1:{free_port()}"
    code, stderr, hits = run_failing("audit", "--selenium-url", grid, tmp_path=tmp_path)
    assert code == 2 and "does not answer" in stderr
    assert hits == {}


def test_a_url_that_is_not_a_webdriver_endpoint_exits_2(tmp_path: Path) -> None:
    with LocalServer({"/status": Response("<!doctype html><title>A web page</title>")}) as not_grid:
        code, stderr, hits = run_failing("audit", "--selenium-url", not_grid.base_url, tmp_path=tmp_path)
    assert code == 2 and "is not a Selenium Grid or WebDriver endpoint" in stderr
    assert hits == {}


def test_a_grid_without_a_ready_node_exits_4(tmp_path: Path) -> None:
    status = json.dumps({"value": {"ready": False, "message": "Selenium Grid not ready."}})
    with LocalServer({"/status": Response(status, headers={"Content-Type": "application/json"})}) as grid:
        code, stderr, hits = run_failing("audit", "--selenium-url", grid.base_url, tmp_path=tmp_path)
    assert code == 4 and "is not ready: Selenium Grid not ready." in stderr
    assert hits == {}


def test_selenium_url_with_the_playwright_driver_exits_2(tmp_path: Path) -> None:
    code, stderr, hits = run_failing(
        "audit", "--driver", "playwright", "--selenium-url", "http://localhost:4444", tmp_path=tmp_path
    )
    assert code == 2 and "--selenium-url needs --driver selenium" in stderr
    assert hits == {}


@pytest.mark.parametrize("command", ["audit", "assess"])
def test_missing_chromedriver_exits_4_and_says_how_to_install(command: str, tmp_path: Path) -> None:
    env = {"GOVAUDIT_CHROMEDRIVER": str(tmp_path / "no-such-chromedriver")}
    code, stderr, hits = run_failing(command, "--driver", "selenium", tmp_path=tmp_path, env=env)
    assert code == 4 and "apt-get install chromium-driver" in stderr and "GOVAUDIT_CHROMEDRIVER" in stderr
    assert hits == {}


def test_missing_chromium_with_selenium_exits_4(tmp_path: Path, chromedriver: str) -> None:
    env = {"GOVAUDIT_CHROMIUM": str(tmp_path / "no-such-chromium")}
    code, stderr, hits = run_failing("audit", "--driver", "selenium", tmp_path=tmp_path, env=env)
    assert code == 4 and "apt-get install chromium" in stderr
    assert hits == {}
