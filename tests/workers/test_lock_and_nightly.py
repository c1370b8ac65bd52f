"""Two workers side by side: the host lock keeps them off one host at once, and `govaudit nightly`
hands them the demo portals as one batch (a second batch recrawls incrementally)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from crawler.site import SiteConfig, SiteKind
from govaudit.demo.server import DemoServer
from govaudit.worker.enqueue import enqueue_batch
from storage import Store
from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, Response
from tests.workers.conftest import ROBOTS, Cluster, fresh_postgres_db, fresh_redis_db, tree_routes

PAGES = 20
NIGHTLY = (sys.executable, "-m", "govaudit", "nightly")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    redis_db = fresh_redis_db()
    postgres_db = fresh_postgres_db()
    broker, database = next(redis_db), next(postgres_db)
    two = Cluster(broker, database, tmp_path_factory.mktemp("workers"))
    try:
        two.start("w1")
        two.start("w2")
        yield two
    finally:
        two.stop_all()
        for gen in (redis_db, postgres_db):
            gen.close()  # runs their clean-up: flush the Redis DB, drop the database


def test_two_sites_on_one_host_are_never_crawled_at_once(cluster: Cluster) -> None:
    requests: list[tuple[float, str]] = []
    routes = {
        **tree_routes("x", PAGES, 0.08, requests),
        **tree_routes("y", PAGES, 0.08, requests),
        "/robots.txt": Response("User-agent: *\n", headers=ROBOTS),
    }
    with LocalServer(routes) as server, Store(cluster.database_url) as store:
        for prefix in ("x", "y"):
            store.registry.ensure(
                SiteConfig(
                    name=f"host-lock {prefix}",
                    start_urls=(server.url(f"/{prefix}/0"),),
                    country="LCK",
                    max_pages=PAGES,
                    allow_private=True,
                )
            )
        batch_id, _ = enqueue_batch(store, cluster.sender(), mode="crawl", country="LCK")
        summary = cluster.wait_batch(store, batch_id, timeout=60)
    assert [i.state for i in summary.items] == ["done", "done"], summary.as_dict()
    assert [i.pages for i in summary.items] == [PAGES, PAGES]
    spans = {
        prefix: (
            min(t for t, p in requests if p.startswith(f"/{prefix}/")),
            max(t for t, p in requests if p.startswith(f"/{prefix}/")),
        )
        for prefix in ("x", "y")
    }
    (_, first_end), (second, _) = sorted(spans.values())
    assert first_end < second, f"the two crawls of one host overlapped: {spans}"
    # Both tasks were taken at once (two idle workers): the second one waited for the lock.
    assert "host busy" in cluster.log("w1") + cluster.log("w2")


def test_nightly_with_two_workers_processes_the_demo_sites_then_recrawls_incrementally(cluster: Cluster) -> None:
    env = cluster.env
    with DemoServer.national() as national, DemoServer.city() as city, Store(cluster.database_url) as store:
        for server, name, kind in (
            (national, "Valdoria national portal (demo)", SiteKind.NATIONAL_PORTAL),
            (city, "Valdoria capital city portal (demo)", SiteKind.CITY_PORTAL),
        ):
            store.registry.ensure(
                SiteConfig(
                    name=name,
                    start_urls=(server.base_url + "/",),
                    country="VLD",
                    kind=kind,
                    languages=("en", "fr"),
                    max_pages=300,
                    allow_private=True,
                )
            )
        batches = []
        for _ in range(2):
            started = time.monotonic()
            done = subprocess.run(
                [*NIGHTLY, "--mode", "crawl", "--country", "VLD", "--wait", "--timeout", "90", "--json"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr[-3000:] + cluster.all_logs()
            batches.append(json.loads(done.stdout))
            print(f"nightly batch {batches[-1]['batch_id']}: {time.monotonic() - started:.1f} s")
        # In this process: printing a batch reads the store only (the batches above stay processes of their
        # own: `nightly` sends through the Celery app its process makes from the environment at import).
        status = run_govaudit("nightly", "--status", str(batches[0]["batch_id"]), cwd=Path.cwd(), env=env)
        with store.engine.connect() as conn:
            second_runs = [i["run_id"] for i in batches[1]["items"]]
            by_status = dict(
                conn.execute(
                    text("SELECT status, count(*) FROM page_visits WHERE run_id = ANY(:r) GROUP BY status"),
                    {"r": second_runs},
                ).all()
            )
    for batch in batches:
        assert batch["counts"] == {"queued": 0, "running": 0, "done": 2, "failed": 0}, batch
        assert batch["failures"] == [] and batch["seconds"] is not None
    first, second = batches
    assert first["pages"] >= 30 and second["pages"] == first["pages"]
    # Nothing changed between the two nights: the second batch's pages were 304s or hash-equal.
    assert by_status.get("not_modified", 0) >= 0.9 * second["pages"], by_status
    assert status.returncode == 0 and "Valdoria national portal" in status.stdout and "2 done" in status.stdout
