"""The persistent frontier on SQLite and PostgreSQL: claims are exclusive, visits complete them."""

from __future__ import annotations

import threading

from crawler.frontier import FrontierEntry
from crawler.site import SiteConfig
from crawler.snapshot import PageSnapshot, ScanStatus
from storage import Store
from storage.frontier import StoreFrontier

SITE = SiteConfig(name="frontier test", start_urls=("https://gov.example/",))


def entries(n: int, depth: int = 1) -> list[FrontierEntry]:
    return [FrontierEntry(f"https://gov.example/p{i}", depth, "https://gov.example/") for i in range(n)]


def test_add_is_idempotent_and_bounded(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        run = store.runs.start(store.registry.ensure(SITE), {})
        frontier = StoreFrontier(store, run)
        assert frontier.add(entries(10)) == 10
        assert frontier.add(entries(12)) == 2  # only the two new ones
        # Spellings of one URL are one entry.
        assert frontier.add([FrontierEntry("https://GOV.example/p1?", 1)]) == 0
        assert frontier.add([FrontierEntry(f"https://gov.example/q{i}", 2) for i in range(5)], limit=3) == 3
        assert frontier.known() == 15 and StoreFrontier(store, run).known() == 15


def test_claims_come_nearest_first_and_a_release_puts_them_back(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        run = store.runs.start(store.registry.ensure(SITE), {})
        frontier = StoreFrontier(store, run)
        frontier.add([FrontierEntry("https://gov.example/deep", 3), *entries(3, depth=1),
                      FrontierEntry("https://gov.example/", 0)])
        first = frontier.claim(2)
        assert [e.depth for e in first] == [0, 1]
        assert frontier.pending() == 3
        assert frontier.release() == 2 and frontier.pending() == 5


def test_recording_a_visit_completes_its_entry(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        site_id = store.registry.ensure(SITE)
        run = store.runs.start(site_id, {})
        frontier = StoreFrontier(store, run)
        frontier.add(entries(2))
        claimed = frontier.claim(1)[0]
        store.visits.record(run, site_id, PageSnapshot(requested_url=claimed.url, final_url=claimed.url, depth=1,
                                                      status=ScanStatus.OK))
        assert frontier.release() == 0  # nothing claimed is left unfinished
        assert [e.url for e in frontier.claim(5)] == ["https://gov.example/p1"]


def test_concurrent_claimers_never_share_an_entry(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        run = store.runs.start(store.registry.ensure(SITE), {})
        StoreFrontier(store, run).add(entries(200))
        taken: list[list[str]] = [[], [], [], []]
        start = threading.Barrier(4)

        def worker(i: int) -> None:
            with Store(db_url) as own:
                start.wait(30)
                frontier = StoreFrontier(own, run)
                while batch := frontier.claim(3):
                    taken[i] += [e.url for e in batch]

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    everything = [url for part in taken for url in part]
    assert len(everything) == 200 and len(set(everything)) == 200
