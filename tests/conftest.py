"""Shared fixtures. Tests reach only 127.0.0.1; the crawler is told so explicitly."""

from __future__ import annotations

from pathlib import Path

import pytest

from audits.selenium_driver import chromedriver_path
from crawler.render import chromium_path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if not Path(path).is_file():
        pytest.skip(f"no Chromium at {path}: run `make setup` (apt-get install chromium) or set GOVAUDIT_CHROMIUM")
    return path


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    path = SHARED / "corpora"
    if not path.is_dir():
        pytest.skip(f"third-party corpora not found at {path}")
    return path


@pytest.fixture(scope="session")
def chromedriver() -> str:
    path = chromedriver_path()
    if not Path(path).is_file():
        pytest.skip(f"no chromedriver at {path}: apt-get install chromium-driver or set GOVAUDIT_CHROMEDRIVER")
    return path


# Markers follow from what a test uses, so `make check` (none of these) cannot miss a test that
# starts Chromium through a fixture without saying so.
BROWSER_FIXTURES = frozenset({"chromium", "chromedriver"})
POSTGRES_FIXTURES = frozenset({"postgres_admin_url", "postgres_url", "cluster", "cluster_factory"})
SERVICE_FIXTURES = frozenset({"cluster", "cluster_factory"})  # Celery workers over Redis and PostgreSQL


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e = REPO / "tests" / "e2e"
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if used & SERVICE_FIXTURES:
            item.add_marker(pytest.mark.services)
        if e2e in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
