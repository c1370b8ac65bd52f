"""The tasks: one per (site, run), running the same pipeline as the CLI; and the nightly enqueue.

How a site task ends:
- done: the run completed (a crawl-only run whose start page failed counts as failed, with why);
- failed, not retried: the site is unreachable, or the pipeline raised something unexpected —
  the run is marked failed by the pipeline and the reason is stored for the morning summary;
- retried with back-off: the database or Redis was unreachable (transient). If the run is still
  `running` the retry resumes it; if the pipeline managed to mark it failed, the retry starts a
  fresh run of the site (a finished run is never reopened);
- retried later: another worker holds the lock of one of the site's hosts.
"""

from __future__ import annotations

import asyncio
import os
import random
from typing import Any

import redis
from celery import Task
from celery.utils.log import get_task_logger
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import InterfaceError, OperationalError

from crawler.site import SiteConfig
from crawler.snapshot import start_page, start_page_problem
from govaudit.assessment import SampleOptions
from govaudit.pipeline import (
    CannotResume,
    RunBusy,
    RunOutcome,
    SiteUnreachable,
    assess_site,
    audit_suite,
    crawl_site,
    settings_of_run,
)
from govaudit.settings import Settings, WorkerConfig
from govaudit.worker.app import app
from govaudit.worker.db import process_store
from govaudit.worker.enqueue import Job, enqueue_batch
from govaudit.worker.lock import HostLock, host_keys
from govaudit.worker.schedule import NIGHTLY_TASK
from storage import Store
from storage.nightly import BatchStore
from storage.status import BatchItemState, RunStatus

log = get_task_logger(__name__)

# Failures of the machinery, not of the site: worth another try after a pause.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerError,
    ConnectionRefusedError,
    RunBusy,
)
LOCK_PATIENCE_S = 12 * 3600  # give up on a host that stays locked longer than a night

_redis: tuple[int, str, redis.Redis] | None = None


def lock_client(url: str) -> redis.Redis:
    global _redis
    if _redis is None or _redis[0] != os.getpid() or _redis[1] != url:
        _redis = (os.getpid(), url, redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10))
    return _redis[2]


def backoff_s(attempt: int, base: float = 10.0, cap: float = 600.0) -> float:
    """Exponential with full jitter: workers that lost the database together do not return together."""
    return random.uniform(base / 2, min(cap, base * 2**attempt))


@app.task(bind=True, name="govaudit.run_site", max_retries=None, acks_late=True, reject_on_worker_lost=True)
def run_site(
    self: Task,
    run_id: int,
    mode: str = "crawl",
    batch_id: int | None = None,
    sample: bool = False,
    transient: int = 0,
    waits: int = 0,
) -> dict[str, Any]:
    config = WorkerConfig.from_env()
    settings = Settings.from_env()
    job = Job(run_id, mode, batch_id, sample)
    try:
        return _run_job(self, job, config, settings, transient, waits)
    except TRANSIENT as exc:
        if transient >= config.max_transient_retries:
            log.error("run %s: giving up after %d transient failures: %s", run_id, transient, exc)
            _best_effort_fail(settings, job, f"transient failures: {type(exc).__name__}: {exc}")
            raise
        delay = backoff_s(transient)
        log.warning(
            "run %s: transient %s, retry %d in %.0f s: %s", run_id, type(exc).__name__, transient + 1, delay, exc
        )
        raise self.retry(exc=exc, countdown=delay, kwargs=job.kwargs(transient=transient + 1, waits=waits)) from exc


def _run_job(
    task: Task, job: Job, config: WorkerConfig, settings: Settings, transient: int, waits: int
) -> dict[str, Any]:
    store = process_store(settings.database_url)
    batches = BatchStore(store)
    try:
        run = store.runs.site_of(job.run_id)
        site_id, site, status = run.site_id, run.site, run.status
    except LookupError:
        log.error("run %s does not exist: message dropped", job.run_id)
        return {"run_id": job.run_id, "status": "missing"}
    if status != RunStatus.RUNNING:
        if not (status == RunStatus.FAILED and transient > 0):
            # Delivered again after the run ended (a redelivery, or a copy that waited on the lock):
            # the work is done, and doing nothing is what makes the task idempotent.
            return {"run_id": job.run_id, "status": status, "skipped": True}
        job = _fresh_run(store, batches, job, site_id)
    lock = HostLock(lock_client(config.lock_url), host_keys(site), config.lock_ttl_s, owner=f"run {job.run_id}")
    if not lock.acquire():
        return _wait_for_host(task, job, config, lock, batches, site_id, transient, waits)
    with lock:
        # Checked again under the lock: the worker that held it may just have finished this run.
        status = store.runs.site_of(job.run_id).status
        if status != RunStatus.RUNNING:
            return {"run_id": job.run_id, "status": status, "skipped": True}
        return _execute(job, site, site_id, store, batches, settings)


def _execute(
    job: Job, site: SiteConfig, site_id: int, store: Store, batches: BatchStore, settings: Settings
) -> dict[str, Any]:
    if batches.run_settings(job.run_id).get("queued"):
        engines = audit_suite(settings).engine_versions if job.mode == "assess" else {}
        full = settings_of_run(site, settings, engines, mode=job.mode)
        batches.set_run_settings(job.run_id, {**full, "batch": job.batch_id, "sample": job.sample})
    if job.batch_id is not None:
        batches.mark_running(job.batch_id, site_id, job.run_id)
    log.info("run %s: %s %s", job.run_id, job.mode, site.name)
    try:
        outcome = asyncio.run(_pipeline(job, site, store, settings))
    except SiteUnreachable as exc:
        return _finish(batches, job, site_id, BatchItemState.FAILED, f"unreachable: {exc}")
    except RunBusy:  # another process holds the run's lease: retried later, like a transient failure
        raise
    except CannotResume as exc:  # finished by someone else (a CLI --resume) meanwhile
        return {"run_id": job.run_id, "status": str(exc), "skipped": True}
    except TRANSIENT:
        raise
    except Exception as exc:
        _finish(batches, job, site_id, BatchItemState.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    problem = _start_page_problem(outcome)
    if problem:
        return _finish(batches, job, site_id, BatchItemState.FAILED, problem, outcome)
    return _finish(batches, job, site_id, BatchItemState.DONE, "", outcome)


async def _pipeline(job: Job, site: SiteConfig, store: Store, settings: Settings) -> RunOutcome:
    if job.mode == "assess":
        sample = SampleOptions() if job.sample else None
        return await assess_site(site, store, settings, sample=sample, resume=job.run_id)
    return await crawl_site(site, store, settings, resume=job.run_id)


def _start_page_problem(outcome: RunOutcome) -> str:
    """A crawl-only run completes even when its start page fails; the nightly summary must not
    count that site as done."""
    home = start_page(outcome.pages)
    if not (why := start_page_problem(home)):
        return ""
    return f"unreachable: {home.requested_url}: {why}" if home else f"unreachable: {why}"


def _finish(
    batches: BatchStore, job: Job, site_id: int, state: BatchItemState, reason: str, outcome: RunOutcome | None = None
) -> dict[str, Any]:
    if job.batch_id is not None:
        batches.mark_finished(job.batch_id, site_id, job.run_id, state, reason)
    if state == BatchItemState.FAILED:
        log.warning("run %s failed: %s", job.run_id, reason)
    return {
        "run_id": job.run_id,
        "status": state,
        "reason": reason,
        "pages": len(outcome.pages) if outcome else 0,
        "seconds": round(outcome.seconds, 2) if outcome else 0.0,
    }


def _fresh_run(store: Store, batches: BatchStore, job: Job, site_id: int) -> Job:
    """The earlier attempt's run was marked failed on its way out: continue in a new run."""
    old = batches.run_settings(job.run_id)
    run_id = store.runs.start(site_id, {**old, "queued": True, "replaces": job.run_id})
    log.warning("run %s failed on a transient error; continuing as run %s", job.run_id, run_id)
    return Job(run_id, job.mode, job.batch_id, job.sample)


def _wait_for_host(
    task: Task,
    job: Job,
    config: WorkerConfig,
    lock: HostLock,
    batches: BatchStore,
    site_id: int,
    transient: int,
    waits: int,
) -> dict[str, Any]:
    if waits * config.lock_retry_s > LOCK_PATIENCE_S:
        # The run stays `running`: the next nightly batch takes it up again.
        return _finish(
            batches, job, site_id, BatchItemState.FAILED, f"host busy for {LOCK_PATIENCE_S // 3600} h: {lock.holders()}"
        )
    delay = config.lock_retry_s * random.uniform(1.0, 1.5)
    log.info("run %s: host busy %s, back in %.0f s", job.run_id, lock.holders(), delay)
    raise task.retry(countdown=delay, kwargs=job.kwargs(transient=transient, waits=waits + 1))


def _best_effort_fail(settings: Settings, job: Job, reason: str) -> None:
    if job.batch_id is None:
        return
    try:
        store = process_store(settings.database_url)
        site_id = store.runs.site_of(job.run_id).site_id
        BatchStore(store).mark_finished(job.batch_id, site_id, job.run_id, BatchItemState.FAILED, reason)
    except Exception as exc:  # the database is what failed: the log line is all there is
        log.error("run %s: could not record the failure: %s", job.run_id, exc)


def celery_send(job: Job) -> None:
    """How `enqueue_batch` hands a job to the workers: one `run_site` task through the broker."""
    run_site.apply_async(kwargs=job.kwargs())


@app.task(name=NIGHTLY_TASK, acks_late=True)
def nightly(mode: str = "assess", trigger: str = "beat", sample: bool = False) -> dict[str, int]:
    """What beat sends at GOVAUDIT_NIGHTLY_AT: enqueue the registry as one batch."""
    store = process_store(Settings.from_env().database_url)
    batch_id, sites = enqueue_batch(store, celery_send, mode=mode, sample=sample, trigger=trigger)
    log.info("nightly batch %s: %d sites enqueued", batch_id, sites)
    return {"batch_id": batch_id, "sites": sites}
