"""Worker settings from the environment (the store's own settings stay in `govaudit.settings`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ConfigError(ValueError):
    """A distributed-mode setting is missing or malformed."""


def broker_url(env: dict[str, str] | None = None) -> str:
    """The broker URL, or "" when the distributed mode is off."""
    return (os.environ if env is None else env).get("GOVAUDIT_BROKER_URL", "").strip()


def parse_at(value: str) -> tuple[int, int]:
    """ "02:00" -> (2, 0)."""
    match = _AT.match(value.strip())
    if not match:
        raise ConfigError(f"GOVAUDIT_NIGHTLY_AT must be HH:MM (24 h), not {value!r}")
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    broker_url: str
    # Host locks need Redis even if the broker is something else (RabbitMQ): then set this.
    lock_url: str
    # A host lock lives this long without renewal: how soon a killed worker's host is free again.
    lock_ttl_s: float = 60.0
    # A task that finds its host locked comes back after this (plus jitter).
    lock_retry_s: float = 60.0
    # Redis redelivers a message unacknowledged this long: how soon a killed worker's task is
    # retaken. A task still running when it expires is delivered twice; the host lock makes the
    # copy wait and then find its run finished, so shorter is safe, only noisier.
    visibility_timeout_s: int = 1800
    max_transient_retries: int = 5
    nightly_at: tuple[int, int] = (2, 0)
    nightly_mode: str = "assess"
    timezone: str = "UTC"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WorkerConfig:
        env = dict(os.environ if env is None else env)
        broker = broker_url(env)
        if not broker:
            raise ConfigError("set GOVAUDIT_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to use workers")
        lock = env.get("GOVAUDIT_LOCK_URL", "").strip() or broker
        if not lock.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"host locks need Redis: set GOVAUDIT_LOCK_URL (the broker is {broker.split(':')[0]})")
        mode = env.get("GOVAUDIT_NIGHTLY_MODE", "assess")
        if mode not in ("assess", "crawl"):
            raise ConfigError(f"GOVAUDIT_NIGHTLY_MODE must be assess or crawl, not {mode!r}")
        return cls(
            broker_url=broker,
            lock_url=lock,
            lock_ttl_s=float(env.get("GOVAUDIT_LOCK_TTL", "60")),
            lock_retry_s=float(env.get("GOVAUDIT_LOCK_RETRY", "60")),
            visibility_timeout_s=int(env.get("GOVAUDIT_VISIBILITY_TIMEOUT", "1800")),
            max_transient_retries=int(env.get("GOVAUDIT_MAX_RETRIES", "5")),
            nightly_at=parse_at(env.get("GOVAUDIT_NIGHTLY_AT", "02:00")),
            nightly_mode=mode,
            timezone=env.get("GOVAUDIT_TIMEZONE", "UTC"),
        )
