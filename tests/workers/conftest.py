"""Real services for the worker tests: Redis (a DB claimed for the test, flushed before and after), a
throwaway PostgreSQL database, and Celery workers started as subprocesses of `govaudit worker`.

Both services run on this project's machines and in CI; the tests skip, saying which one is
missing, only where they are absent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from govaudit.settings import WorkerConfig
from govaudit.worker.app import make_app
from govaudit.worker.enqueue import Job
from storage import Store
from storage.nightly import BatchStore, BatchSummary

POSTGRES_ADMIN_URL = os.environ.get(
    "GOVAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("GOVAUDIT_TEST_REDIS_URL", "redis://127.0.0.1:6379")

# Short enough that a killed worker's task and host come back within seconds, not the production
# half hour and minute.
FAST = {
    "GOVAUDIT_LOCK_TTL": "3",
    "GOVAUDIT_LOCK_RETRY": "1",
    "GOVAUDIT_VISIBILITY_TIMEOUT": "4",
    "GOVAUDIT_CONCURRENCY": "2",
}


def _check_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def _check_postgres() -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "no server here", not a test failure
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    finally:
        engine.dispose()


# Redis DBs these tests may take. Two clusters on one broker would take each other's tasks and flush
# each other's queues, and several run at once: pytest-xdist workers, and other checkouts on the same
# machine. 0 is the documented production default and 12 is bench/scale.py's.
TEST_REDIS_DBS = (15, 14, 13, 11, 10, 9, 8, 7)
REDIS_CLAIM_KEY = "govaudit-test:claimed-by"
REDIS_CLAIM_TTL_S = 3600  # outlives any module's cluster; frees the DB of a pytest killed mid-run


def fresh_redis_db() -> Iterator[str]:
    """The URL of an empty Redis DB that no other test holds: claimed with SET NX inside the DB,
    emptied before (what a killed run left) and after."""
    _check_redis()
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    for number in TEST_REDIS_DBS:
        url = f"{REDIS_URL}/{number}"
        client = redis.Redis.from_url(url)
        if client.set(REDIS_CLAIM_KEY, token, nx=True, ex=REDIS_CLAIM_TTL_S):
            break
        client.close()
    else:
        raise AssertionError(f"every test Redis DB {TEST_REDIS_DBS} on {REDIS_URL} is claimed by another run")
    for key in client.scan_iter():
        if key != REDIS_CLAIM_KEY.encode():
            client.delete(key)
    try:
        yield url
    finally:
        client.flushdb()  # the claim too
        client.close()


def fresh_postgres_db() -> Iterator[str]:
    _check_postgres()
    name = f"govaudit_workers_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        with Store(url) as store:
            store.upgrade()
        yield url
    finally:
        with admin.connect() as conn:
            # FORCE: a worker killed mid-task may have left a connection open.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Cluster:
    """Workers as subprocesses over one broker and one store; logs in files (a full pipe would stall
    a worker)."""

    broker_url: str
    database_url: str
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **FAST,
            "GOVAUDIT_BROKER_URL": self.broker_url,
            "GOVAUDIT_DATABASE_URL": self.database_url,
        }

    def start(self, name: str, timeout: float = 60) -> subprocess.Popen[bytes]:
        log = self.logs / f"{name}.log"
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "govaudit", "worker", "--pool", "solo", "--hostname", f"{name}@%h"],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,  # its own process group: a kill takes its Chromium too
            )
        self.procs[name] = proc
        deadline = time.monotonic() + timeout
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker {name} did not start:\n{self.log(name)[-3000:]}")
            time.sleep(0.1)
        return proc

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # warm shutdown
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def all_logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.logs.glob("*.log"))

    def sender(self) -> Callable[[Job], None]:
        """Sends as `govaudit nightly` does, through an app made for this broker."""
        app = make_app(WorkerConfig(broker_url=self.broker_url, lock_url=self.broker_url))

        def send(job: Job) -> None:
            app.send_task("govaudit.run_site", kwargs=job.kwargs())

        return send

    def wait_batch(self, store: Store, batch_id: int, timeout: float) -> BatchSummary:
        batches = BatchStore(store)
        deadline = time.monotonic() + timeout
        summary = batches.summary(batch_id)
        while not summary.finished:
            if time.monotonic() > deadline:
                raise AssertionError(f"batch {batch_id} unfinished: {summary.as_dict()}\n{self.all_logs()}")
            time.sleep(0.25)
            summary = batches.summary(batch_id)
        return summary


def tree_routes(prefix: str, pages: int, delay_s: float, log: list[tuple[float, str]] | None = None) -> dict:
    """A binary tree of `pages` pages under `prefix` (/{prefix}/0 links to 1 and 2, ...), each answered
    after `delay_s`; `log` collects (time, path) of every request, for overlap checks."""
    from tests.localserver import Response

    def page(i: int) -> Callable[[object], Response]:
        children = [c for c in (2 * i + 1, 2 * i + 2) if c < pages]
        body = "".join(f'<a href="/{prefix}/{c}">Page {c}</a>' for c in children)

        def respond(handler: object) -> Response:
            if log is not None:
                log.append((time.monotonic(), f"/{prefix}/{i}"))
            time.sleep(delay_s)
            return Response(f"<!doctype html><html lang=en><title>{prefix} {i}</title><body>{body}</body></html>")

        return respond

    return {f"/{prefix}/{i}": page(i) for i in range(pages)}


ROBOTS = {"Content-Type": "text/plain"}


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator[Callable[[str, str], Cluster]]:
    made: list[Cluster] = []

    def make(broker_url: str, database_url: str) -> Cluster:
        cluster = Cluster(broker_url, database_url, tmp_path)
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop_all()
