"""Shared fixtures: the parsed reference (skipped when the shared folder is absent) and the instruments."""

from __future__ import annotations

import pytest

from rules.instruments import Instrument, load_instrument
from tests.instruments.reference import REFERENCE, Section, parse_reference


@pytest.fixture(scope="session")
def reference() -> dict[str, list[Section]]:
    if not REFERENCE.is_file():
        pytest.skip(f"reference not found at {REFERENCE} (the shared folder sits beside the repository)")
    return parse_reference(REFERENCE)


@pytest.fixture(scope="session")
def osi() -> Instrument:
    return load_instrument("OSI-2024")


@pytest.fixture(scope="session")
def losi() -> Instrument:
    return load_instrument("LOSI-2024")
