"""Issue 15 item 8: a killed `assess` resumes with `assess --resume RUN` from wherever it was killed
(crawl, audits, conclusions): every page recorded once, the answers written once; a run resumed by
two processes at once is refused by the run's lease; a dead holder does not block."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from storage import Store, models, run_state
from tests import cli_forked
from tests.cli_forked import ForkedCommand, start_govaudit
from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response, page

PAGES = 10
KILL_WAIT_S = 240.0
HOLD_S = 300.0  # a held page's longest wait: longer than any test, released by the test or the fixture


class _Site:
    """A small site whose pages can be slowed (to kill a crawl midway) and whose search results can
    be held up (to kill the run while its site-level rules probe the search)."""

    def __init__(self) -> None:
        self.page_delay_s = 0.0
        self.pages_released = threading.Event()  # cleared: pages other than the home page wait until set
        self.pages_released.set()
        self.home_released = threading.Event()  # cleared: the home page waits until set
        self.home_released.set()
        self.home_requested = threading.Event()
        self.slow_search = threading.Event()
        links = "".join(f'<li><a href="/p{i}">Page {i}</a></li>' for i in range(1, PAGES))
        search = '<form role="search" action="/search"><label>Search <input type="search" name="q"></label>'
        search += "<button>Search</button></form>"
        self._home = page("Home of the ministry", f"{search}<ul>{links}</ul>")
        self.routes: dict[str, object] = {
            "/": self._home_page,
            "/robots.txt": Response("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}),
            "/search": self._search,
        }
        for i in range(1, PAGES):
            self.routes[f"/p{i}"] = self._page(i)

    def _home_page(self, _handler: object) -> Response:
        self.home_requested.set()
        self.home_released.wait(HOLD_S)
        return self._home

    def _page(self, i: int) -> Callable[[object], Response]:
        def route(_handler: object) -> Response:
            time.sleep(self.page_delay_s)
            self.pages_released.wait(HOLD_S)
            return page(f"Page {i}", f'<p>Text of page {i}.</p><a href="/">Home</a>')

        return route

    def _search(self, _handler: object) -> Response:
        if self.slow_search.is_set():
            time.sleep(25)
        return page("Search results", "<p>No results.</p>")


@pytest.fixture
def site() -> Iterator[tuple[_Site, LocalServer]]:
    hostile = _Site()
    with LocalServer(hostile.routes) as server:  # type: ignore[arg-type]
        try:
            yield hostile, server
        finally:
            hostile.pages_released.set()
            hostile.home_released.set()


def _env(db: Path) -> dict[str, str]:
    # A lease far longer than any test: a holder's lease never lapses by itself here. Two pages in the
    # browser at once, as two are fetched at once from the one host (per host's default): pages are still
    # in flight when a process is killed, and each browser opens two tabs (a renderer each), not four.
    return {
        **os.environ,
        "GOVAUDIT_DATABASE_URL": f"sqlite:///{db}",
        "PYTHONUNBUFFERED": "1",
        "GOVAUDIT_RUN_LEASE_S": "3600",
        "GOVAUDIT_RENDER_CONCURRENCY": "2",
    }


def _govaudit(*args: str, db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """In this process (tests/cli_inprocess.py): a resume or a refusal needs no process of its own. The
    test process is not the one that holds the run, so to the lease it is a second process as any other."""
    return run_govaudit(*args, cwd=cwd, env=_env(db))


def _start(*args: str, db: Path, cwd: Path) -> ForkedCommand:
    """The process that is killed: a process of its own (its pid is the lease's holder), forked from a
    server that has imported the CLI already (tests/cli_forked.py) rather than a new Python that imports it."""
    return start_govaudit(*args, env=_env(db), cwd=cwd)


@pytest.fixture(scope="module", autouse=True)
def _fork_server() -> Iterator[None]:
    yield
    cli_forked.stop()


def _query(db: Path, sql: str, *params: object) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=30) as con:
        try:
            return con.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # the schema is still being created
            return []


def _wait_for(
    db: Path, proc: ForkedCommand, stage: str, min_visits: int = 0, until: Callable[[], bool] = lambda: True
) -> int:
    """Poll the database until the (only) run is in `stage` with enough pages and `until()` holds; return its id."""
    deadline = time.monotonic() + KILL_WAIT_S
    while time.monotonic() < deadline:
        rows = _query(
            db,
            "SELECT r.id, r.stage, (SELECT count(*) FROM page_visits v WHERE v.run_id = r.id) FROM crawl_runs r",
        )
        if rows and rows[0][1] == stage and rows[0][2] >= min_visits and until():
            return int(rows[0][0])
        if proc.poll() is not None:
            pytest.fail(f"assess ended (exit {proc.returncode}) before reaching {stage}: {proc.stderr()[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"assess did not reach the {stage} stage in {KILL_WAIT_S:.0f} s")


@pytest.mark.parametrize("stage", ["crawl", "audit", "conclude"])
def test_assess_killed_at_any_stage_resumes_to_every_page_once_and_the_answers(
    stage: str, site: tuple[_Site, LocalServer], tmp_path: Path, chromium: str
) -> None:
    hostile, server = site
    db = tmp_path / "govaudit.db"
    if stage == "crawl":
        hostile.page_delay_s = 1.5
    if stage == "conclude":
        hostile.slow_search.set()
    proc = _start("assess", server.url("/"), "--max-pages", "20", "--quiet", "--out", "out", db=db, cwd=tmp_path)
    try:
        run_id = _wait_for(db, proc, stage, min_visits=3 if stage == "crawl" else 0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    killed_with = _query(db, "SELECT count(*) FROM page_visits WHERE run_id = ?", run_id)[0][0]
    assert _query(db, "SELECT status FROM crawl_runs WHERE id = ?", run_id) == [("running",)]
    if stage == "crawl":
        assert killed_with < PAGES, "the kill came after the crawl"
    hostile.page_delay_s = 0.0
    hostile.slow_search.clear()

    # `audit --resume` finishes an assessment as `assess --resume` does (both run the same pipeline).
    # In this process: the kill needed a process of its own, the resume does not (tests/cli_inprocess.py).
    command = "audit" if stage == "audit" else "assess"
    result = run_govaudit(command, "--resume", str(run_id), "--quiet", "--out", "out", cwd=tmp_path, env=_env(db))

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert _query(db, "SELECT status, stage FROM crawl_runs WHERE id = ?", run_id) == [("completed", "conclude")]
    assert len(_query(db, "SELECT id FROM crawl_runs")) == 1, "the resume continued the run, it did not start one"
    visits = _query(
        db,
        "SELECT p.url, count(*) FROM page_visits v JOIN pages p ON p.id = v.page_id WHERE v.run_id = ? GROUP BY p.url",
        run_id,
    )
    assert {url for url, _ in visits} == {server.url("/")} | {server.url(f"/p{i}") for i in range(1, PAGES)}
    assert all(n == 1 for _, n in visits), visits
    # Every page was audited: axe's results are there for each visit.
    unaudited = _query(
        db,
        "SELECT v.id FROM page_visits v WHERE v.run_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM audit_results a WHERE a.visit_id = v.id AND a.engine = 'axe-core')",
        run_id,
    )
    assert unaudited == []
    answers = _query(
        db, "SELECT instrument, question, count(*) FROM suggested_answers WHERE run_id = ? GROUP BY 1, 2", run_id
    )
    assert len(answers) > 50 and all(n == 1 for *_, n in answers)
    # Markup validity covers every page: the served HTML of the killed process's pages was kept for the resume.
    # (OSI #196 itself is scored on the home page only, the Survey's scope: its rationale says so.)
    unvalidated = _query(
        db,
        "SELECT v.id FROM page_visits v WHERE v.run_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM audit_results a WHERE a.visit_id = v.id AND a.rule_id = 'html-validity' "
        "AND a.outcome = 'passed')",
        run_id,
    )
    assert unvalidated == []
    [(outcome, rationale)] = _query(
        db, "SELECT outcome, rationale FROM suggested_answers WHERE run_id = ? AND question = '196'", run_id
    )
    assert outcome == "passed" and "The home page passes" in rationale, rationale
    assert (tmp_path / "out" / "report.json").exists()


def test_a_run_in_progress_is_not_resumed_by_a_second_process(
    site: tuple[_Site, LocalServer], tmp_path: Path, chromium: str
) -> None:
    hostile, server = site
    db = tmp_path / "govaudit.db"
    # The first process must still be crawling while the others try: its pages wait until they are done,
    # however long a loaded machine takes to start them (a fixed delay ran out under load). The home page
    # waits too: the run and its lease are the first process's from before its first request, and a
    # process that has rendered nothing yet has started no browser (what the refusals need none of).
    hostile.pages_released.clear()
    hostile.home_released.clear()
    first = _start("assess", server.url("/"), "--quiet", "--out", "out", db=db, cwd=tmp_path)
    try:
        run_id = _wait_for(db, first, "crawl", until=hostile.home_requested.is_set)
        second = _govaudit("assess", "--resume", str(run_id), "--quiet", "--out", "out2", db=db, cwd=tmp_path)
        assert second.returncode == 2, second.stderr
        assert "being worked on by another process" in second.stderr and "Traceback" not in second.stderr
        # A crawl cannot finish an assessment (it would complete it with no answers).
        crawl = _govaudit("crawl", "--resume", str(run_id), "--quiet", db=db, cwd=tmp_path)
        assert crawl.returncode == 2 and f"assess --resume {run_id}" in crawl.stderr, crawl.stderr
        assert _query(db, "SELECT status FROM crawl_runs WHERE id = ?", run_id) == [("running",)]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    # Its holder is dead (same machine, no such process): the lease does not make us wait for it.
    hostile.pages_released.set()
    hostile.home_released.set()
    [(holder, until)] = _query(db, "SELECT lease_owner, lease_until FROM crawl_runs WHERE id = ?", run_id)
    assert holder and until, "the killed process's lease is still recorded, for an hour"
    result = _govaudit("assess", "--resume", str(run_id), "--quiet", "--out", "out", db=db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _query(db, "SELECT status, lease_owner FROM crawl_runs WHERE id = ?", run_id) == [("completed", None)]


def _leased_run(store: Store, owner: str, until_s: float) -> int:
    from crawler.site import SiteConfig

    run_id = store.runs.start(store.registry.ensure(SiteConfig(name="x", start_urls=("https://x.example/",))), {})
    with store.transaction() as session:
        session.execute(
            update(models.CrawlRunRow)
            .where(models.CrawlRunRow.id == run_id)
            .values(lease_owner=owner, lease_until=models.utcnow() + timedelta(seconds=until_s))
        )
    return run_id


def test_a_lease_of_another_machine_blocks_until_it_expires(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/lease.db") as store:
        store.upgrade()
        live = _leased_run(store, "other-host:1234:abcd", 60)
        with pytest.raises(run_state.RunLeased, match="other-host:1234"):
            run_state.acquire(store, live, run_state.new_owner(), 30)
        expired = _leased_run(store, "other-host:1234:abcd", -1)
        me = run_state.new_owner()
        run_state.acquire(store, expired, me, 30)
        assert run_state.lease_of(store, expired).owner == me
        # Renewed by its holder only; released on exit of the block.
        assert run_state.renew(store, expired, me, 30) and not run_state.renew(store, expired, "someone", 30)
        with run_state.Lease(store, expired, 30, owner=me), pytest.raises(run_state.RunLeased):
            run_state.acquire(store, expired, "other-host:1:x", 30)
        assert run_state.lease_of(store, expired) == run_state.LeaseHolder(None, None)


def test_a_lease_lapses_when_its_holder_stops_renewing(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/lease.db") as store:
        store.upgrade()
        run_id = _leased_run(store, "other-host:1:x", 1)
        with pytest.raises(run_state.RunLeased):
            run_state.acquire(store, run_id, "third-host:2:y", 30)
        time.sleep(1.2)
        run_state.acquire(store, run_id, "third-host:2:y", 30)
