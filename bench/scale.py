"""Scale model: how many 2-core workers the nightly runs of 193 national + 193 city portals need.

    .venv/bin/python bench/scale.py [--crawl-pages 1000] [--assess-pages 100] [--change-rate 0.05]

Measures ONE real Celery worker (`govaudit worker --pool solo`, the production task) against the
Redis and PostgreSQL on 127.0.0.1 and the templated site of bench/templated_server.py:

- crawl only, first run, then again (incremental: every page answered 304 and carried);
- crawl + audit (`assess`: every page rendered in Chromium, axe-core and the page checks, rules,
  suggested answers), first run, then again (unchanged pages carried without rendering).

For each it reports pages/s (the task's own time, start to finish in the store) and CPU seconds per
page of the worker's whole process tree (Chromium and Playwright's driver included): the bench
process's RUSAGE_CHILDREN before and after the worker lives, minus an idle worker's start and stop.
PostgreSQL's, Redis's and the site server's CPU are not in it (other machines in production).

Then it prints the number of 2-core machines for the workload, first crawl and nightly incremental,
in the window. Assumptions (flags): a worker machine keeps `--utilisation` of its 2 cores busy by
running enough sites at once (prefork concurrency), since one site is held to `--per-host` requests
in flight by politeness and each waits on a real server's latency; a night changes `--change-rate`
of the pages, which cost what a first visit costs, the rest what an incremental one costs.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from crawl_common import machine, python, templated_site  # noqa: E402

SITES = 193 + 193  # national portals + largest-city portals
PAGES_PER_SITE = 1000
ADMIN_URL = os.environ.get("GOVAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("GOVAUDIT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    pages: int
    seconds: float
    cpu_s: float
    statuses: dict[str, int]
    db_cpu_s: float = 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_page(self) -> float:
        return self.cpu_s / self.pages if self.pages else 0.0


def _postgres_cpu() -> float:
    """CPU seconds of every live `postgres` process: the worker's backends live as long as it does, so
    read before it stops. The server is shared with other jobs on a shared machine: an upper bound."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        if raw[raw.index("(") + 1 : raw.rindex(")")] == "postgres":
            fields = raw[raw.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def throwaway_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"govaudit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class OneWorker:
    """A `govaudit worker --pool solo` per phase, so that its CPU (and its Chromium's) is counted
    once it has exited and been reaped."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs

    @contextmanager
    def running(self) -> Iterator[None]:
        log = self.logs / "worker.log"
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                [python(), "-m", "govaudit", "worker", "--pool", "solo", "--loglevel", "INFO"],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 120
            while b"ready." not in log.read_bytes():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)
            yield
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # warm shutdown: the task in hand is already done
            proc.wait(60)

    def startup_cpu(self) -> float:
        before = _children_cpu()
        with self.running():
            pass
        return _children_cpu() - before


def _run_phase(name: str, worker: OneWorker, idle_cpu: float, store: object, site_id: int, mode: str) -> Phase:
    from celery import Celery
    from sqlalchemy import text

    from govaudit.worker.enqueue import enqueue_batch
    from storage.nightly import BatchStore

    app = Celery("bench", broker=worker.env["GOVAUDIT_BROKER_URL"])
    before = _children_cpu()
    with worker.running():
        db_before = _postgres_cpu()
        batch_id, _ = enqueue_batch(
            store,  # type: ignore[arg-type]
            lambda job: app.send_task("govaudit.run_site", kwargs=job.kwargs(), queue="govaudit"),
            mode=mode,
            site_id=site_id,
        )
        summary = BatchStore(store).summary(batch_id)  # type: ignore[arg-type]
        while not summary.finished:
            time.sleep(0.5)
            summary = BatchStore(store).summary(batch_id)  # type: ignore[arg-type]
        db_cpu = _postgres_cpu() - db_before
    cpu = _children_cpu() - before - idle_cpu
    (item,) = summary.items
    if item.state != "done":
        raise RuntimeError(f"{name}: {item.state}: {item.reason}")
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        statuses = dict(
            conn.execute(
                text("SELECT status, count(*) FROM page_visits WHERE run_id = :r GROUP BY status"), {"r": item.run_id}
            ).all()
        )
    return Phase(name, item.pages, item.seconds or 0.0, max(cpu, 0.0), statuses, db_cpu)


def measure(crawl_pages: int, assess_pages: int) -> list[Phase]:
    import redis

    from crawler.site import SiteConfig, SiteKind
    from storage import Store

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    phases: list[Phase] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database() as database_url,
        templated_site(max(crawl_pages, assess_pages)) as url,
        Store(database_url) as store,
    ):
        store.upgrade()
        env = {
            **os.environ,
            "GOVAUDIT_BROKER_URL": REDIS_URL,
            "GOVAUDIT_DATABASE_URL": database_url,
            "GOVAUDIT_VISIBILITY_TIMEOUT": "3600",
        }
        worker = OneWorker(env, Path(tmp))
        idle_cpu = worker.startup_cpu()
        print(f"idle worker start + stop: {idle_cpu:.1f} CPU s (subtracted from each phase)", flush=True)
        for mode, pages in (("crawl", crawl_pages), ("assess", assess_pages)):
            site_id = store.registry.ensure(
                SiteConfig(
                    name=f"bench {mode}",
                    start_urls=(url,),
                    country="BEN",
                    kind=SiteKind.NATIONAL_PORTAL,
                    max_pages=pages,
                    max_depth=20,
                    allow_private=True,
                )
            )
            for visit in ("first", "incremental"):
                phase = _run_phase(f"{mode}, {visit}", worker, idle_cpu, store, site_id, mode)
                print(
                    f"  {phase.name}: {phase.pages} pages in {phase.seconds:.1f} s, {phase.pages_per_s:.1f} pages/s, "
                    f"{phase.cpu_per_page * 1000:.1f} CPU ms/page (PostgreSQL server: "
                    f"{phase.db_cpu_s / max(phase.pages, 1) * 1000:.1f} ms/page); {phase.statuses}",
                    flush=True,
                )
                phases.append(phase)
    client.flushdb()
    return phases


def machines_needed(cpu_per_page: float, pages: float, window_h: float, cores: int, utilisation: float) -> float:
    return cpu_per_page * pages / (window_h * 3600 * cores * utilisation)


def model(phases: list[Phase], args: argparse.Namespace) -> None:
    by = {p.name: p for p in phases}
    pages = SITES * PAGES_PER_SITE
    changed = args.change_rate
    print()
    print(
        f"Workload: {SITES} portals ({SITES // 2} national + {SITES // 2} city) x {PAGES_PER_SITE} pages = "
        f"{pages:,} pages; window {args.window_h:g} h; workers of 2 cores at {args.utilisation:.0%} CPU; "
        f"nightly change rate {changed:.0%}"
    )
    print(f"{'scenario':46} {'CPU ms/page':>12} {'CPU h':>8} {'2-core workers':>15}")
    for mode in ("assess", "crawl"):
        first, again = by[f"{mode}, first"], by[f"{mode}, incremental"]
        nightly = changed * first.cpu_per_page + (1 - changed) * again.cpu_per_page
        label = "crawl + audit" if mode == "assess" else "crawl only"
        for when, per_page in (("first crawl", first.cpu_per_page), ("nightly incremental", nightly)):
            need = machines_needed(per_page, pages, args.window_h, 2, args.utilisation)
            cpu_h = per_page * pages / 3600
            print(f"{when + ', ' + label:46} {per_page * 1000:12.1f} {cpu_h:8.1f} {math.ceil(need):>15d}  ({need:.2f})")
    # Politeness bounds one site, not the fleet: a site's crawl takes at least pages x latency / per-host.
    per_site_s = PAGES_PER_SITE * args.latency_s / args.per_host
    concurrent = SITES * per_site_s / (args.window_h * 3600)
    print(
        f"Politeness: one site of {PAGES_PER_SITE} pages takes >= {per_site_s / 60:.0f} min at {args.per_host} "
        f"requests in flight and {args.latency_s:g} s per response; all {SITES} in {args.window_h:g} h need >= "
        f"{concurrent:.1f} sites in progress at once (spread over the workers: prefork concurrency per worker)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crawl-pages", type=int, default=1000, help="pages of the crawl-only site")
    parser.add_argument("--assess-pages", type=int, default=100, help="pages of the crawl+audit site")
    parser.add_argument("--window-h", type=float, default=8.0)
    parser.add_argument("--utilisation", type=float, default=0.8, help="share of a worker's 2 cores kept busy")
    parser.add_argument("--change-rate", type=float, default=0.05, help="share of pages changed per night")
    parser.add_argument("--latency-s", type=float, default=0.5, help="a real portal's mean response time")
    parser.add_argument("--per-host", type=int, default=2, help="requests in flight to one host")
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}", flush=True)
    phases = measure(args.crawl_pages, args.assess_pages)
    model(phases, args)


if __name__ == "__main__":
    main()
