"""The worker's pure parts, no services: lock names, settings, schedule, back-off."""

from __future__ import annotations

import pytest
from celery.schedules import crontab
from sqlalchemy.exc import OperationalError

from crawler.site import SiteConfig
from govaudit.pipeline import SiteUnreachable
from govaudit.settings import ConfigError, Settings, WorkerConfig, parse_at
from govaudit.worker.lock import host_keys
from govaudit.worker.schedule import NIGHTLY_TASK, beat_schedule
from govaudit.worker.tasks import TRANSIENT, backoff_s


def test_host_keys_keep_a_non_default_port_and_add_extra_domains_sorted() -> None:
    site = SiteConfig(
        name="s",
        start_urls=("https://WWW.gov.example/", "http://127.0.0.1:8080/x", "https://data.gov.example:443/"),
        domains=("www.gov.example", "open.gov.example"),
    )
    assert host_keys(site) == ["127.0.0.1:8080", "data.gov.example", "open.gov.example", "www.gov.example"]


def test_config_needs_a_broker_and_redis_for_locks() -> None:
    with pytest.raises(ConfigError, match="GOVAUDIT_BROKER_URL"):
        WorkerConfig.from_env({})
    with pytest.raises(ConfigError, match="GOVAUDIT_LOCK_URL"):
        WorkerConfig.from_env({"GOVAUDIT_BROKER_URL": "amqp://guest@127.0.0.1//"})
    config = WorkerConfig.from_env(
        {
            "GOVAUDIT_BROKER_URL": "amqp://guest@127.0.0.1//",
            "GOVAUDIT_LOCK_URL": "redis://127.0.0.1:6379/3",
            "GOVAUDIT_NIGHTLY_AT": "23:45",
        }
    )
    assert config.lock_url.endswith("/3") and config.nightly_at == (23, 45)


@pytest.mark.parametrize("bad", ["24:00", "2", "02:60", "two"])
def test_nightly_at_must_be_a_time(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_at(bad)


def test_beat_runs_the_nightly_task_at_the_configured_time() -> None:
    config = WorkerConfig(broker_url="redis://x", lock_url="redis://x", nightly_at=(3, 30), nightly_mode="crawl")
    entry = beat_schedule(config)["nightly"]
    assert entry["task"] == NIGHTLY_TASK and entry["kwargs"]["mode"] == "crawl"
    assert entry["schedule"] == crontab(hour=3, minute=30)


def test_back_off_grows_is_capped_and_only_machinery_errors_are_transient() -> None:
    assert all(5 <= backoff_s(0) <= 10 for _ in range(50))
    assert max(backoff_s(20) for _ in range(200)) <= 600
    assert issubclass(OperationalError, TRANSIENT)
    assert not issubclass(SiteUnreachable, TRANSIENT)  # an unreachable site is recorded, never retried


@pytest.mark.parametrize(("raw", "seconds"), [("3600", 3600.0), ("0.2", 1.0), ("soon", 120.0), ("", 120.0)])
def test_a_runs_lease_is_read_with_the_settings(raw: str, seconds: float) -> None:
    """A worker's runs hold their lease GOVAUDIT_RUN_LEASE_S long: at least a second, the default when unreadable."""
    assert Settings.from_env({"GOVAUDIT_RUN_LEASE_S": raw}).run_lease_s == seconds
