"""Settings from the environment, read once at start-up and passed down explicitly: the run's
(`Settings`), the assessor web app's (`WebSettings`) and the distributed mode's (`WorkerConfig`).
No other module of the packages reads the environment (tests/test_settings_only.py holds them to it):
crawler/ and audits/ take the values as parameters, with Debian's defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from audits.selenium_driver import DEFAULT_CHROMEDRIVER
from crawler.fetch import DEFAULT_USER_AGENT
from crawler.render import DEFAULT_CHROMIUM
from govaudit.progress import DEFAULT_INTERVAL_S
from storage.run_state import DEFAULT_LEASE_S

DEFAULT_DATABASE_URL = "sqlite:///govaudit.db"
TRUSTED_PROXIES = "GOVAUDIT_TRUSTED_PROXIES"
# Set, they send this machine's connections through a proxy (httpx honours them): the proxy reaches the hosts.
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    chromium: str = DEFAULT_CHROMIUM
    chromedriver: str = DEFAULT_CHROMEDRIVER  # for `--driver selenium` without a Grid
    axe_script: str | None = None
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 2
    per_host: int = 2  # requests in flight to one host: politeness, whatever the total concurrency
    render_concurrency: int = 4  # pages in the browser at once when rendering (each also waits on round trips)
    page_timeout_s: float = 30.0
    max_bytes: int = 10_000_000  # per response, decoded
    time_budget_s: float | None = None  # per site and run; what is left stays queued for a resume
    official_hops: int = 0  # clicks to follow onto other official government domains
    block_third_party: bool = True  # off-origin fonts, media and analytics in the browser
    axe_timeout_s: float = 60.0
    standard: str = "wcag22"  # audits/data/standards.yaml: which criteria count, which axe tags run
    measure_widths: tuple[int, ...] = (375,)  # viewport widths at which each page's horizontal overflow is measured
    screenshots: bool = True  # crops of failing elements for the reports (`--no-screenshots`)
    # A running Nu Html Checker (`java -cp vnu.jar nu.validator.servlet.Main 8888`): pages' HTML is sent to
    # it rather than to a JVM started per run. Unset: a JVM per run, nothing leaves the machine.
    validator_url: str | None = None
    # How long a run's lease lasts unless renewed: a killed holder on another machine blocks a resume this long.
    run_lease_s: float = DEFAULT_LEASE_S
    progress_interval_s: float = DEFAULT_INTERVAL_S  # the plain progress line off a terminal (a CI log)
    behind_proxy: bool = False  # a proxy variable is set: the start host is not probed from here before a run
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("GOVAUDIT_DATABASE_URL", DEFAULT_DATABASE_URL),
            chromium=env.get("GOVAUDIT_CHROMIUM", DEFAULT_CHROMIUM),
            chromedriver=env.get("GOVAUDIT_CHROMEDRIVER", DEFAULT_CHROMEDRIVER),
            axe_script=env.get("GOVAUDIT_AXE") or None,
            user_agent=env.get("GOVAUDIT_USER_AGENT", DEFAULT_USER_AGENT),
            concurrency=_count(env, "GOVAUDIT_CONCURRENCY", 2),
            per_host=_count(env, "GOVAUDIT_PER_HOST", 2),
            render_concurrency=_count(env, "GOVAUDIT_RENDER_CONCURRENCY", 4),
            run_lease_s=_lease_seconds(env.get("GOVAUDIT_RUN_LEASE_S", "")),
            progress_interval_s=_interval_seconds(env.get("GOVAUDIT_PROGRESS_INTERVAL", "")),
            behind_proxy=any(env.get(name) for name in PROXY_VARIABLES),
            validator_url=_service_url(env, "GOVAUDIT_VALIDATOR_URL"),
        )


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The assessor web app's (`govaudit serve`)."""

    database_url: str = DEFAULT_DATABASE_URL
    # Signs the session cookies; without it the app makes a random one (sessions end with the process).
    secret_key: str | None = None
    trusted_proxies: str = ""  # addresses or networks whose X-Forwarded-For/-Proto the app believes

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebSettings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("GOVAUDIT_DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=env.get("GOVAUDIT_SECRET_KEY") or None,
            trusted_proxies=env.get(TRUSTED_PROXIES, ""),
        )


def environment() -> Mapping[str, str]:
    """The whole environment, for a config file's `{ env = "NAME" }` values: their names are the user's."""
    return os.environ


class SettingsError(ValueError):
    """An environment variable with a value govaudit cannot use; the message names it."""


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise SettingsError(f"{name} must be a whole number from 1 to 1000, not {raw!r}")
    return int(raw)


def _service_url(env: dict[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", raw):
        raise SettingsError(f"{name} must be an http:// or https:// URL, not {raw!r}")
    return raw


def _interval_seconds(raw: str) -> float:
    """A positive number of seconds; anything else is the default (a progress line is never refused over it)."""
    try:
        value = float(raw) if raw.strip() else DEFAULT_INTERVAL_S
    except ValueError:
        return DEFAULT_INTERVAL_S
    return value if value > 0 else DEFAULT_INTERVAL_S


def _lease_seconds(raw: str) -> float:
    """At least a second; a value that is not a number is the default (a lease is never refused over it)."""
    try:
        return max(1.0, float(raw)) if raw.strip() else DEFAULT_LEASE_S
    except ValueError:
        return DEFAULT_LEASE_S


# --- the distributed mode (`govaudit worker`, `nightly`, `schedule`) ---------------------------------

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
    def offline(cls, env: dict[str, str] | None = None) -> WorkerConfig:
        """Without a broker (`govaudit --help`, a test that only inspects tasks): an in-memory one."""
        return cls(broker_url="memory://", lock_url=(os.environ if env is None else env).get("GOVAUDIT_LOCK_URL", ""))

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
