"""A Celery worker killed with SIGKILL mid-crawl loses nothing: another worker takes the message again
(acks_late), resumes the same run from its frontier in PostgreSQL, and every page of every site is
recorded exactly once. One assess task in the same batch shows the whole pipeline runs in a worker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from crawler.site import SiteConfig, SiteKind
from govaudit.worker.enqueue import enqueue_batch
from reports.history import run_summary
from reports.serial import to_object
from storage import Store
from storage.nightly import BatchStore
from tests.localserver import LocalServer, Response, page
from tests.workers.conftest import ROBOTS, Cluster, fresh_postgres_db, fresh_redis_db, tree_routes

A_PAGES, B_PAGES = 80, 40
KILL_AT = 55  # requests to site A: past the first batch of 50 recorded pages, short of the end


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from fresh_redis_db()


@pytest.fixture
def database_url() -> Iterator[str]:
    yield from fresh_postgres_db()


def _site(name: str, url: str, pages: int, kind: SiteKind = SiteKind.NATIONAL_PORTAL) -> SiteConfig:
    return SiteConfig(name=name, start_urls=(url,), country="KIL", kind=kind, max_pages=pages, allow_private=True)


def _visits(store: Store, run_id: int) -> list[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT p.url FROM page_visits v JOIN pages p ON p.id = v.page_id WHERE v.run_id = :r"), {"r": run_id}
        )
        return [r[0] for r in rows]


def _run_sites(store: Store) -> list[tuple[int, int]]:
    with store.engine.connect() as conn:
        return [(r.id, r.site_id) for r in conn.execute(text("SELECT id, site_id FROM crawl_runs"))]


def test_sigkill_mid_crawl_then_another_worker_finishes_every_site_exactly_once(
    redis_url: str, database_url: str, cluster_factory: Callable[[str, str], Cluster], chromium: str
) -> None:
    started = time.monotonic()
    cluster = cluster_factory(redis_url, database_url)
    robots = {"/robots.txt": Response("User-agent: *\n", headers=ROBOTS)}
    tiny = {
        "/": page("Ministry of Tests", '<p>Welcome.</p><a href="/contact">Contact us</a>'),
        "/contact": page("Contact", "<p>Phone: +1 555 0100. Email: info@example.org</p>"),
    }
    with (
        Store(database_url) as store,
        LocalServer({**tree_routes("a", A_PAGES, 0.04), **robots}) as a,
        LocalServer({**tree_routes("b", B_PAGES, 0.01), **robots}) as b,
        LocalServer(tiny) as c,
    ):
        store.registry.ensure(_site("site A", a.url("/a/0"), A_PAGES))
        store.registry.ensure(_site("site B", b.url("/b/0"), B_PAGES))
        crawl_batch, _ = enqueue_batch(store, cluster.sender(), mode="crawl")
        site_c = store.registry.ensure(_site("site C", c.url("/"), 10, SiteKind.MINISTRY))
        assess_batch, _ = enqueue_batch(store, cluster.sender(), mode="assess", site_id=site_c)

        cluster.start("w1")
        deadline = time.monotonic() + 60
        while sum(n for p, n in a.hits.items() if p.startswith("/a/")) < KILL_AT:
            assert time.monotonic() < deadline, cluster.all_logs()
            time.sleep(0.01)
        cluster.kill("w1")
        run_a = next(i.run_id for i in BatchStore(store).summary(crawl_batch).items if i.site_name == "site A")
        at_kill = len(_visits(store, run_a))
        assert at_kill < A_PAGES, "site A finished before the kill: nothing was tested"

        cluster.start("w2")
        crawled = cluster.wait_batch(store, crawl_batch, timeout=90)
        assessed = cluster.wait_batch(store, assess_batch, timeout=90)
        a_hits = dict(a.hits)

        items = {i.site_name: i for i in crawled.items}
        assert {n: i.state for n, i in items.items()} == {"site A": "done", "site B": "done"}, crawled.as_dict()
        # Site A's run was resumed, not replaced: the same run, run by two deliveries.
        assert items["site A"].run_id == run_a and items["site A"].attempts == 2
        for name, prefix, server, pages in (("site A", "/a/", a, A_PAGES), ("site B", "/b/", b, B_PAGES)):
            urls = _visits(store, items[name].run_id)
            assert len(urls) == pages and len(set(urls)) == pages, f"{name}: {len(urls)} visits, {len(set(urls))} URLs"
            assert set(urls) == {server.url(f"{prefix}{i}") for i in range(pages)}
        # Only what was fetched but not yet committed at the kill is fetched again.
        refetched = sum(n - 1 for p, n in a_hits.items() if p.startswith("/a/") and n > 1)
        assert refetched <= KILL_AT - at_kill + 4, (refetched, at_kill)

        (item_c,) = assessed.items
        with store.engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM crawl_runs")).all())
            pending = conn.execute(text("SELECT count(*) FROM frontier_entries WHERE state != 'done'")).scalar()
            # The whole pipeline ran in the worker: suggested answers were stored for the assess run.
            answers = conn.execute(
                text("SELECT count(*) FROM suggested_answers WHERE run_id = :r"), {"r": item_c.run_id}
            ).scalar()
        # Each run stored its trend point as it completed in the worker (site A's once, after the resume).
        points = {
            run_id: store.runs.earlier_trend_points(site_id, run_id + 1, 1) for run_id, site_id in _run_sites(store)
        }
        expected = {run_id: [(run_id, to_object(run_summary(store.runs.load(run_id))))] for run_id in points}
    assert set(statuses.values()) == {"completed"} and pending == 0, statuses
    assert item_c.state == "done" and item_c.pages == 2 and answers, assessed.as_dict()
    assert points == expected and len(points) == 3, points
    assessed_point = points[item_c.run_id][0][1]
    assert assessed_point is not None and assessed_point["pages_audited"] == 2, assessed_point
    print(f"kill test: {time.monotonic() - started:.1f} s; {at_kill} of {A_PAGES} pages of A recorded at the kill")
