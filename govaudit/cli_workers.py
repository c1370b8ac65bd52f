"""`govaudit worker`, `govaudit nightly`, `govaudit schedule`: the distributed mode's commands.

Celery is imported inside the commands, so `govaudit audit` and friends never load it.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from govaudit.settings import Settings
from storage import Store
from storage.nightly import BatchStore, BatchSummary

if TYPE_CHECKING:
    from govaudit.settings import WorkerConfig

console = Console(stderr=True)
out = Console()

EXIT_BAD_INPUT = 2
EXIT_NOT_FINISHED = 5
EXIT_BROKER = 6


def _config() -> WorkerConfig:
    from govaudit.settings import ConfigError, WorkerConfig  # late: Celery loads only for worker commands

    try:
        return WorkerConfig.from_env()
    except ConfigError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Sites worked on at once (processes).")] = 1,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, or solo (one process).")] = "prefork",
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
    hostname: Annotated[str | None, typer.Option(help="Node name, e.g. w1@%h (default celery@host).")] = None,
    quiet_cluster: Annotated[
        bool, typer.Option("--without-gossip/--with-gossip", help="No gossip or mingle between workers.")
    ] = True,
) -> None:
    """Run a Celery worker: takes (site, run) tasks from GOVAUDIT_BROKER_URL and writes to the store at
    GOVAUDIT_DATABASE_URL (PostgreSQL when several machines share it). Migrates the store first."""
    _config()
    from govaudit.worker.db import process_store, upgrade_once

    upgrade_once(process_store(Settings.from_env().database_url))
    from govaudit.worker.app import app as celery_app

    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}", f"--pool={pool}"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    if quiet_cluster:
        # Gossip and mingle only serve remote control between workers; they cost a broadcast per
        # worker start. Events (for Flower) are separate and stay on.
        argv += ["--without-gossip", "--without-mingle"]
    celery_app.worker_main(argv)


def _print_held(store: Store, held: dict[int, str]) -> None:
    """The registry sites left out of the batch, and why (`govaudit sites verify` puts them back)."""
    if not held:
        return
    names = {s.id: s.name for s in store.registry.find(registered_only=False)}
    console.print(f"{len(held)} registry site(s) not crawled until `govaudit sites verify` says verified:")
    for site_id, why in sorted(held.items()):
        console.print(f"  {names.get(site_id, site_id)}: {why}", markup=False, highlight=False)


def nightly(
    mode: Annotated[str, typer.Option(help="assess (crawl, audit, detect) or crawl (crawl only).")] = "assess",
    sample: Annotated[bool, typer.Option("--sample", help="assess: audit a WCAG-EM sample, not every page.")] = False,
    country: Annotated[str | None, typer.Option(help="Only this ISO3 country's sites.")] = None,
    site_id: Annotated[int | None, typer.Option("--site", help="Only this registered site.")] = None,
    status: Annotated[int | None, typer.Option("--status", help="Print this batch's summary instead.")] = None,
    last: Annotated[bool, typer.Option("--last", help="Print the latest batch's summary instead.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the batch to finish, then print it.")] = False,
    timeout: Annotated[float, typer.Option(help="With --wait: give up after this many seconds (exit 5).")] = 8 * 3600,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Enqueue every registered site as one batch for the workers (each run recrawls incrementally:
    unchanged pages are answered 304 or hash-equal and carried forward), or print a batch's summary:
    sites done, failed with reasons, pages, duration."""
    settings = Settings.from_env()
    from govaudit.worker.db import upgrade_once

    with Store(settings.database_url) as store:
        upgrade_once(store)  # under the workers' migration lock: they may be starting right now
        batches = BatchStore(store)
        if status is not None or last:
            batch_id = status if status is not None else batches.latest()
            if batch_id is None:
                console.print("[bold red]error:[/] no nightly batch yet")
                raise typer.Exit(EXIT_BAD_INPUT)
        else:
            _config()
            from kombu.exceptions import OperationalError as BrokerError

            from govaudit.worker.enqueue import enqueue_batch
            from govaudit.worker.tasks import celery_send

            held: dict[int, str] = {}
            try:
                batch_id, sites = enqueue_batch(
                    store, celery_send, mode=mode, sample=sample, country=country, site_id=site_id, held=held
                )
            except ValueError as exc:
                console.print(f"[bold red]error:[/] {exc}")
                raise typer.Exit(EXIT_BAD_INPUT) from None
            except BrokerError as exc:
                # The runs created so far stay `running`: the next batch enqueues them again.
                console.print(f"[bold red]error:[/] broker unreachable at {_config().broker_url}: {exc}")
                raise typer.Exit(EXIT_BROKER) from None
            console.print(f"Batch {batch_id}: {sites} site(s) enqueued ({mode}).")
            _print_held(store, held)
            if not wait:
                out.print(
                    f"govaudit nightly --status {batch_id}" if not as_json else json.dumps({"batch_id": batch_id})
                )
                return
        summary = _await(batches, batch_id, timeout) if wait else _summary(batches, batch_id)
    _print(summary, as_json)
    if wait and not summary.finished:
        raise typer.Exit(EXIT_NOT_FINISHED)


def _summary(batches: BatchStore, batch_id: int) -> BatchSummary:
    try:
        return batches.summary(batch_id)
    except LookupError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _await(batches: BatchStore, batch_id: int, timeout: float) -> BatchSummary:
    deadline = time.monotonic() + timeout
    summary = _summary(batches, batch_id)
    while not summary.finished and time.monotonic() < deadline:
        time.sleep(1.0)
        summary = _summary(batches, batch_id)
    return summary


def _print(summary: BatchSummary, as_json: bool) -> None:
    if as_json:
        json.dump(summary.as_dict(), sys.stdout)
        sys.stdout.write("\n")
        return
    counts = summary.counts
    took = f"{summary.seconds:.0f} s" if summary.seconds is not None else "in progress"
    table = Table(
        "site",
        "run",
        "state",
        "pages",
        "seconds",
        "attempts",
        "reason",
        title=f"Batch {summary.batch_id} ({summary.mode}, {summary.trigger}): {counts['done']} done, "
        f"{counts['failed']} failed, {counts['running']} running, {counts['queued']} queued; "
        f"{summary.pages} pages; {took}",
    )
    for item in summary.items:
        table.add_row(
            item.site_name,
            str(item.run_id),
            item.state,
            str(item.pages),
            f"{item.seconds:.1f}" if item.seconds is not None else "",
            str(item.attempts),
            item.reason,
        )
    out.print(table)


def schedule(
    schedule_file: Annotated[str, typer.Option(help="Where beat keeps its last-run times.")] = "celerybeat-schedule",
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run Celery beat: enqueues the registry every day at GOVAUDIT_NIGHTLY_AT (default 02:00) in
    GOVAUDIT_TIMEZONE (default UTC), mode GOVAUDIT_NIGHTLY_MODE (assess or crawl). Run exactly one."""
    config = _config()
    from govaudit.worker.app import app as celery_app

    hour, minute = config.nightly_at
    console.print(f"Nightly batch at {hour:02d}:{minute:02d} {config.timezone} ({config.nightly_mode}).")
    celery_app.start(["beat", f"--loglevel={loglevel}", f"--schedule={schedule_file}"])


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.command("nightly")(nightly)
    app.command("schedule")(schedule)
