"""Distributed mode: Celery workers fed through Redis, PostgreSQL as the shared store.

Chosen by configuration: with `GOVAUDIT_BROKER_URL` unset nothing here is imported and
`govaudit assess`/`audit` run in-process as before. One task per (site, run) runs the same
pipeline as the CLI; `govaudit nightly` enqueues the registry, `govaudit schedule` runs beat.
"""
