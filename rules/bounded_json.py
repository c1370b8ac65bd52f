"""JSON from a site, parsed with its nesting depth capped: Python's parser recurses once per level,
and 400 KB of `[[[…` from a hostile catalogue API raised RecursionError out of a whole run."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100  # real catalogue answers (CKAN, DCAT JSON-LD, Socrata) nest fewer than 15 levels
# A string (its escapes included) or one bracket; brackets inside strings are skipped with them.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class JSONTooDeep(ValueError):
    """The text nests arrays and objects deeper than the cap."""


def nesting_depth_over(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """Whether `text` opens more than `max_depth` arrays or objects at once (stops at the first)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_bounded(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads`, or JSONTooDeep (a ValueError) when the text nests deeper than `max_depth`."""
    if nesting_depth_over(text, max_depth):
        raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels: not read")
    return json.loads(text)
