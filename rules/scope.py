"""Where the Survey looks for each code: the home page, the portal, or any official site it leads to.
The instrument's locus says portal (N) or linked (G); rules/scope.yaml names the codes decided on the
home page alone."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources

from crawler.yaml_data import load_yaml
from rules.instruments import load_instrument


class Scope(StrEnum):
    HOME_PAGE = "home_page"
    PORTAL = "portal"
    LINKED = "linked"


@cache
def _home_page() -> frozenset[tuple[str, str]]:
    raw = load_yaml(resources.files("rules").joinpath("scope.yaml").read_text(encoding="utf-8")) or {}
    return frozenset(
        (str(instrument), str(code)) for instrument, codes in (raw.get("home_page") or {}).items() for code in codes
    )


@cache
def scope_of(instrument: str, code: str) -> Scope:
    if (instrument, code) in _home_page():
        return Scope.HOME_PAGE
    try:
        locus = load_instrument(instrument).question(code).locus
    except (KeyError, LookupError, ValueError):
        return Scope.PORTAL
    return Scope.LINKED if locus == "G" else Scope.PORTAL
