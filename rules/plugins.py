"""The plug-ins installed under an entry-point group: rule modules (`govaudit.rules`) and concept packs
(`govaudit.rule_packs`)."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def entry_points(group: str) -> tuple[metadata.EntryPoint, ...]:
    """The group's entry points, sorted by name. Read once per process, as the plug-ins' modules are
    imported once: finding them reads the metadata of every installed distribution, and a run asks
    more than once."""
    return tuple(sorted(metadata.entry_points(group=group), key=lambda e: e.name))
