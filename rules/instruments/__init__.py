"""The UN E-Government Survey instruments (OSI, LOSI …) as versioned data.

One YAML file per instrument and edition (``osi-2024.yaml``, ``losi-2024.yaml``; a 2026 edition is
another file), loaded into frozen dataclasses by a validating loader:

    >>> from rules.instruments import load_instrument
    >>> osi = load_instrument("OSI-2024")
    >>> osi.question("095a").sector
    'health'
"""

from rules.instruments.loader import INSTRUMENTS_DIR, available_instruments, load_instrument, with_weights
from rules.instruments.schema import (
    ANSWER_TYPES,
    BINARY,
    GRADED,
    Instrument,
    InstrumentError,
    Question,
    Subindex,
)

__all__ = [
    "ANSWER_TYPES",
    "BINARY",
    "GRADED",
    "INSTRUMENTS_DIR",
    "Instrument",
    "InstrumentError",
    "Question",
    "Subindex",
    "available_instruments",
    "load_instrument",
    "with_weights",
]
