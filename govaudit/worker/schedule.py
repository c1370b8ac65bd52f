"""The beat schedule: one entry, the nightly enqueue at GOVAUDIT_NIGHTLY_AT in GOVAUDIT_TIMEZONE."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from govaudit.settings import WorkerConfig

NIGHTLY_TASK = "govaudit.nightly"


def beat_schedule(config: WorkerConfig) -> dict[str, dict[str, Any]]:
    hour, minute = config.nightly_at
    return {
        "nightly": {
            "task": NIGHTLY_TASK,
            "schedule": crontab(hour=hour, minute=minute),
            "kwargs": {"mode": config.nightly_mode, "trigger": "beat"},
            # A beat that was down at 02:00 must not enqueue the registry twice when the next one
            # arrives: drop a missed night's message after 12 hours.
            "options": {"expires": 12 * 3600},
        }
    }
