"""A crawl killed with SIGKILL resumes to exactly-once; a recrawl of an unchanged site redoes nothing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response

PAGES = 120


def linked_site(delay_s: float = 0.0) -> dict[str, object]:
    """A tree of PAGES pages, each slow enough that a kill lands mid-crawl."""

    def page(i: int) -> object:
        children = [c for c in (2 * i + 1, 2 * i + 2) if c < PAGES]
        body = "".join(f'<a href="/p{c}">Page {c}</a>' for c in children)

        def respond(handler: object) -> Response:
            time.sleep(delay_s)
            return Response(f"<!doctype html><html lang=en><title>Page {i}</title><body>{body}</body></html>")

        return respond

    routes: dict[str, object] = {f"/p{i}": page(i) for i in range(PAGES)}
    routes["/"] = routes["/p0"]
    routes["/robots.txt"] = Response("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    return routes


def govaudit(*args: str, db: Path) -> subprocess.Popen[str]:
    """A crawl in a process of its own, for the test that kills it."""
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.Popen(
        [sys.executable, "-m", "govaudit", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def crawl(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """In this process: a run that is not killed is about its output and the database, not a process."""
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{db}"}
    return run_govaudit(*args, cwd=db.parent, env=env)


def visits(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT v.run_id, p.url FROM page_visits v JOIN pages p ON p.id = v.page_id").fetchall()


@pytest.mark.parametrize("kill_after", [5, 40, 90])
def test_sigkill_then_resume_records_every_page_exactly_once(tmp_path: Path, kill_after: int) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer(linked_site(delay_s=0.01)) as server:  # type: ignore[arg-type]
        first = govaudit("crawl", server.url("/p0"), "--json", "--quiet", db=db)
        deadline = time.monotonic() + 60
        # Killed by how far the crawl got on the server: pages are recorded in batches, so the
        # kill can land between a fetch and its (lost) batch, which the resume must make good.
        while time.monotonic() < deadline and sum(server.hits.values()) < kill_after:
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert len(_safe_visits(db)) < PAGES, "the crawl finished before it could be killed"
        with sqlite3.connect(db) as conn:
            run_id = conn.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
        second = crawl("crawl", "--resume", str(run_id), "--json", "--quiet", db=db)
        assert second.returncode == 0, second.stderr
        hits = dict(server.hits)
    urls = [url for _, url in visits(db)]
    assert len(urls) == PAGES and len(set(urls)) == PAGES  # no loss, no duplicate visit
    summary = json.loads(second.stdout)
    assert summary["run_id"] == run_id and summary["pages_by_status"] == {"ok": PAGES}
    # Only pages fetched but not yet committed at the kill (one batch at most) are fetched again.
    refetched = sum(n - 1 for path, n in hits.items() if path.startswith("/p") and n > 1)
    assert refetched <= 50 + 4
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM crawl_runs WHERE id = ?", (run_id,)).fetchone() == ("completed",)
        assert conn.execute("SELECT count(*) FROM frontier_entries WHERE state != 'done'").fetchone() == (0,)


def _safe_visits(db: Path) -> list[tuple[int, str]]:
    try:
        return visits(db)
    except sqlite3.OperationalError:  # schema not created yet
        return []


def test_resuming_a_finished_run_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer(linked_site()) as server:  # type: ignore[arg-type]
        done = crawl("crawl", server.url("/p0"), "--json", "--quiet", db=db)
    again = crawl("crawl", "--resume", str(json.loads(done.stdout)["run_id"]), db=db)
    assert again.returncode == 2 and "completed" in again.stderr and "Traceback" not in again.stderr


def conditional_site() -> tuple[dict[str, object], dict[str, int]]:
    """/etag answers 304 to If-None-Match; /same has no validators but the same bytes; /changing changes."""
    served = {"304": 0, "changing": 0}

    def etag(handler) -> Response:  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            served["304"] += 1
            return Response(b"", status=304, headers={"ETag": '"v1"'})
        return Response(
            "<!doctype html><html lang=en><title>E</title><body><a href='/same'>same</a></body></html>",
            headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'},
        )

    def changing(handler) -> Response:  # type: ignore[no-untyped-def]
        served["changing"] += 1
        return Response(f"<!doctype html><html lang=en><title>C{served['changing']}</title><body>x</body></html>")

    routes: dict[str, object] = {
        "/": Response(
            "<!doctype html><html lang=en><title>Home</title><body><a href='/etag'>e</a>"
            "<a href='/changing'>c</a></body></html>"
        ),
        "/etag": etag,
        "/same": Response("<!doctype html><html lang=en><title>Same</title><body>unchanged</body></html>"),
        "/changing": changing,
    }
    return routes, served


def test_recrawl_uses_conditional_get_and_hashes(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    routes, served = conditional_site()
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        runs = []
        for _ in range(2):
            proc = crawl("crawl", server.url("/"), "--json", "--quiet", db=db)
            assert proc.returncode == 0, proc.stderr
            runs.append({p["url"].removeprefix(server.base_url): p for p in json.loads(proc.stdout)["pages"]})
    first, second = runs
    assert all(p["status"] == "ok" for p in first.values())
    assert second["/etag"]["status"] == "not_modified" and served["304"] == 1
    assert second["/same"]["status"] == "not_modified"  # same content hash, no validators
    assert second["/"]["status"] == "not_modified"
    assert second["/changing"]["status"] == "ok"
    # The unchanged /etag page still led the crawl to /same (its links came from the stored visit).
    assert "/same" in second


def test_sitemap_pages_are_found_after_linked_ones(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/pages.xml.gz</loc></sitemap></sitemapindex>"
    )
    pages = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>/orphan</loc><lastmod>2026-11-01</lastmod></url><url><loc>/</loc></url></urlset>"
    )
    routes = {
        "/robots.txt": Response("User-agent: *\nSitemap: /index.xml\n", headers={"Content-Type": "text/plain"}),
        "/": Response("<!doctype html><html lang=en><title>Home</title><body>home</body></html>"),
        "/index.xml": Response(index, headers={"Content-Type": "application/xml"}),
        "/pages.xml.gz": Response(gzip.compress(pages.encode()), headers={"Content-Type": "application/gzip"}),
        "/orphan": Response(
            "<!doctype html><html lang=en><title>Orphan</title><body>only in the sitemap</body></html>"
        ),
    }
    with LocalServer(routes) as server:  # type: ignore[arg-type]
        proc = crawl("crawl", server.url("/"), "--json", "--quiet", "--max-depth", "3", db=db)
    assert proc.returncode == 0, proc.stderr
    pages_seen = {p["url"].removeprefix(server.base_url): p for p in json.loads(proc.stdout)["pages"]}
    assert pages_seen["/orphan"]["status"] == "ok" and pages_seen["/orphan"]["depth"] == 4
