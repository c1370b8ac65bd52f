"""The Celery application: `celery -A govaudit.worker.app worker`, or `govaudit worker`.

Reliability settings, and why:
- `task_acks_late`: a message is acknowledged when its task ends, not when it starts, so a worker
  killed mid-crawl leaves it to be delivered again; the run's frontier in the store resumes it.
- `task_reject_on_worker_lost`: a prefork child killed mid-task (OOM killer) requeues its message
  instead of marking the task failed.
- `worker_prefetch_multiplier = 1`: a worker reserves one site at a time; a site waiting in a busy
  worker's buffer would wait hours while another worker sits idle.
- Redis `visibility_timeout`: how long an unacknowledged message stays with a worker that vanished.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger

from govaudit.settings import ConfigError, WorkerConfig
from govaudit.worker.schedule import beat_schedule

QUEUE = "govaudit"


def make_app(config: WorkerConfig) -> Celery:
    app = Celery("govaudit", broker=config.broker_url, include=["govaudit.worker.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,  # outcomes live in the store (runs, nightly items), not a result backend
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        # For Flower and `celery events`: task-sent/-started/-succeeded/-retried/-failed.
        worker_send_task_events=True,
        task_send_sent_event=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": config.visibility_timeout_s,
            # Sweep for abandoned messages often enough for the timeout to mean what it says.
            "unacked_restore_interval": max(1, min(10, config.visibility_timeout_s // 5)),
            "unacked_restore_throttle": 1,
        },
        timezone=config.timezone,
        enable_utc=True,
        beat_schedule=beat_schedule(config),
    )
    return app


def _app_from_env() -> Celery:
    try:
        return make_app(WorkerConfig.from_env())
    except ConfigError:
        # Imported without a broker (by `govaudit --help`, or a test that only inspects tasks):
        # an app that can be introspected; sending through it fails with a clear error in the CLI.
        return make_app(WorkerConfig.offline())


@after_setup_logger.connect
def _quiet_http_log(logger: logging.Logger, **_: Any) -> None:
    # httpx logs every request at INFO: a thousand lines per site would bury the task lines.
    logging.getLogger("httpx").setLevel(logging.WARNING)


app = _app_from_env()
