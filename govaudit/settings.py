"""Settings from the environment, read once at start-up and passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from crawler.fetch import DEFAULT_USER_AGENT
from crawler.render import DEFAULT_CHROMIUM
from storage.run_state import DEFAULT_LEASE_S

DEFAULT_DATABASE_URL = "sqlite:///govaudit.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    chromium: str = DEFAULT_CHROMIUM
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
    # How long a run's lease lasts unless renewed: a killed holder on another machine blocks a resume this long.
    run_lease_s: float = DEFAULT_LEASE_S
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("GOVAUDIT_DATABASE_URL", DEFAULT_DATABASE_URL),
            chromium=env.get("GOVAUDIT_CHROMIUM", DEFAULT_CHROMIUM),
            axe_script=env.get("GOVAUDIT_AXE") or None,
            user_agent=env.get("GOVAUDIT_USER_AGENT", DEFAULT_USER_AGENT),
            concurrency=_count(env, "GOVAUDIT_CONCURRENCY", 2),
            per_host=_count(env, "GOVAUDIT_PER_HOST", 2),
            render_concurrency=_count(env, "GOVAUDIT_RENDER_CONCURRENCY", 4),
            run_lease_s=_lease_seconds(env.get("GOVAUDIT_RUN_LEASE_S", "")),
        )


class SettingsError(ValueError):
    """An environment variable with a value govaudit cannot use; the message names it."""


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise SettingsError(f"{name} must be a whole number from 1 to 1000, not {raw!r}")
    return int(raw)


def _lease_seconds(raw: str) -> float:
    """At least a second; a value that is not a number is the default (a lease is never refused over it)."""
    try:
        return max(1.0, float(raw)) if raw.strip() else DEFAULT_LEASE_S
    except ValueError:
        return DEFAULT_LEASE_S
