"""Shared fixtures for the demo portal tests: one server per portal for the whole module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from govaudit.demo.server import DemoServer

TRUTH_FILE = Path(__file__).resolve().parents[2] / "govaudit" / "demo" / "truth.yaml"


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return yaml.safe_load(TRUTH_FILE.read_text("utf-8"))


@pytest.fixture(scope="module")
def national() -> Iterator[DemoServer]:
    with DemoServer.national() as server:
        yield server


@pytest.fixture(scope="module")
def city() -> Iterator[DemoServer]:
    with DemoServer.city() as server:
        yield server
