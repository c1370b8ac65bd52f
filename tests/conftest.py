"""Shared fixtures. Tests reach only 127.0.0.1; the crawler is told so explicitly."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from govaudit.cli_support import settle_memory
from govaudit.settings import Settings
from tests.shared_once import shared_once
from tests.validator_service import VARIABLE as VALIDATOR_URL
from tests.validator_service import CheckerService

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = Settings.from_env().chromium
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
    path = Settings.from_env().chromedriver
    if not Path(path).is_file():
        pytest.skip(f"no chromedriver at {path}: apt-get install chromium-driver or set GOVAUDIT_CHROMEDRIVER")
    return path


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Path:
    """`govaudit demo` run once per test session, whichever xdist worker asks first, as `make demo`
    runs it (a subprocess, real Chromium, SQLite): its folder holds `demo.db`, the reports under
    `out/` (`out/city/` for the city portal) and the command's `stderr.txt`. Tests copy the database
    before changing it."""
    with shared_once(tmp_path_factory, "demo-run") as folder:
        if not (folder / "done").exists():
            (folder / "demo.db").unlink(missing_ok=True)
            env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}"}
            result = subprocess.run(
                [sys.executable, "-m", "govaudit", "demo", "--out", str(folder / "out")],
                capture_output=True,
                text=True,
                env=env,
                cwd=folder,
                timeout=900,
            )
            (folder / "stderr.txt").write_text(result.stderr, encoding="utf-8")
            assert result.returncode == 0, result.stderr[-3000:]
            (folder / "done").touch()
    return folder


# Markers follow from what a test uses, so `make check` (none of these) cannot miss a test that
# starts Chromium through a fixture without saying so.
BROWSER_FIXTURES = frozenset({"chromium", "chromedriver"})
POSTGRES_FIXTURES = frozenset(
    {"postgres_admin_url", "postgres_url", "postgres_migrated_url", "cluster", "cluster_factory"}
)
SERVICE_FIXTURES = frozenset({"cluster", "cluster_factory"})  # Celery workers over Redis and PostgreSQL


def _slow_first() -> dict[str, int]:
    lines = (REPO / "tests" / "slow_first.txt").read_text(encoding="utf-8").splitlines()
    modules = [line.split("#", 1)[0].strip() for line in lines]
    return {module: rank for rank, module in enumerate(m for m in modules if m)}


_CHECKER = pytest.StashKey[CheckerService]()


def pytest_configure(config: pytest.Config) -> None:
    """One Nu checker service for the session (tests/validator_service.py), started by the process that
    starts the others (the xdist controller, or pytest alone) and left to the runs through the environment.
    Playwright's Node.js driver keeps its compiled code between starts: the suite starts about a hundred
    drivers (what the cache saves: bench/RESULTS.md)."""
    os.environ.setdefault("NODE_COMPILE_CACHE", str(Path(tempfile.gettempdir()) / "govaudit-tests-node-cache"))
    if hasattr(config, "workerinput") or os.environ.get(VALIDATOR_URL) or config.option.collectonly:
        return
    service = CheckerService.start()
    if service is not None:
        config.stash[_CHECKER] = service
        os.environ[VALIDATOR_URL] = service.url


def pytest_collection_finish(session: pytest.Session) -> None:
    """Each process's imports are done: the collector settles as a `govaudit` command's does."""
    settle_memory()


def pytest_unconfigure(config: pytest.Config) -> None:
    service = config.stash.get(_CHECKER, None)
    if service is not None:
        service.stop()
        os.environ.pop(VALIDATOR_URL, None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The longest modules first, each kept whole (its module fixtures built once): with
    # `--dist loadscope --no-loadscope-reorder` the workers take modules in this order, so a long
    # module does not start last and hold the run up alone.
    rank = _slow_first()
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
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
