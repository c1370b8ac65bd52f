"""Enqueueing: a run is created in the store before its message is sent, so the task only ever
resumes a run it is given. A message delivered twice (a worker killed before acknowledging it, a
visibility timeout) therefore works on the same run, and the frontier makes the second delivery
pick up where the first stopped instead of crawling the site again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storage import SiteRecord, Store
from storage.nightly import BatchStore
from storage.site_checks import SiteCheckStore

MODES = ("assess", "crawl")


@dataclass(frozen=True, slots=True)
class Job:
    """What one task message carries: everything else is read from the store by run id."""

    run_id: int
    mode: str = "crawl"
    batch_id: int | None = None
    sample: bool = False

    def kwargs(self, **extra: Any) -> dict[str, Any]:
        return {"run_id": self.run_id, "mode": self.mode, "batch_id": self.batch_id, "sample": self.sample, **extra}


Send = Callable[[Job], None]


def queued_settings(site: SiteRecord, mode: str, batch_id: int | None, sample: bool) -> dict[str, Any]:
    """What the enqueuer knows of a run; the worker that first runs it writes the rest."""
    cfg = site.config
    return {
        "mode": mode,
        "queued": True,
        "batch": batch_id,
        "sample": sample,
        "max_pages": cfg.max_pages,
        "max_depth": cfg.max_depth,
    }


def not_verified(store: Store, sites: list[SiteRecord]) -> dict[int, str]:
    """Registry sites (URLs from third-party lists) whose latest `sites verify` is not "verified":
    site id → why ("never verified", "dead on 2026-12-06: HTTP 404"). Sites a user registered from
    their own file are their word and are not held back."""
    from_registry = [s.id for s in sites if s.config.extra.get("source") == "registry"]
    latest = SiteCheckStore(store).latest(from_registry) if from_registry else {}
    held: dict[int, str] = {}
    for site_id in from_registry:
        check = latest.get(site_id)
        if check is None:
            held[site_id] = "never verified"
        elif check.status != "verified":
            reason = f": {check.result.reason}" if check.result.reason else ""
            held[site_id] = f"{check.status} on {check.checked_at:%Y-%m-%d}{reason}"
    return held


def enqueue_batch(
    store: Store,
    send: Send,
    *,
    mode: str,
    sample: bool = False,
    trigger: str = "cli",
    country: str | None = None,
    site_id: int | None = None,
    held: dict[int, str] | None = None,
) -> tuple[int, int]:
    """Enqueue every registered site (or one country's, or one) as a new batch: (batch id, sites).

    A site whose run from an earlier batch is still running (queued behind a long night, or
    interrupted) gets that run again, to resume it, not a second run beside it. Incremental
    recrawl needs nothing here: a new run compares with the site's last completed one.
    Registry sites not verified are left out; `held`, when given, receives them with the reason."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    batches = BatchStore(store)
    batch_id = batches.create(mode, trigger)
    sites = store.registry.find(country=country, site_id=site_id)
    skipped = not_verified(store, sites)
    if held is not None:
        held.update(skipped)
    sites = [s for s in sites if s.id not in skipped]
    for site in sites:
        unfinished = batches.unfinished_run(site.id)
        if unfinished is not None:
            run_id, run_mode = unfinished.run_id, unfinished.mode
        else:
            run_id, run_mode = store.runs.start(site.id, queued_settings(site, mode, batch_id, sample)), mode
        batches.add_item(batch_id, site.id, run_id)
        send(Job(run_id, run_mode, batch_id, sample))
    return batch_id, len(sites)
