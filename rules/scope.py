"""Where the Survey looks for each code: the home page, the portal, or any official site it links to
(rules/scope.yaml)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources

import yaml


class Scope(StrEnum):
    HOME_PAGE = "home_page"
    PORTAL = "portal"
    LINKED = "linked"


@cache
def _table() -> dict[tuple[str, str], Scope]:
    raw = yaml.safe_load(resources.files("rules").joinpath("scope.yaml").read_text(encoding="utf-8")) or {}
    table = {}
    for scope, by_instrument in raw.items():
        for instrument, codes in (by_instrument or {}).items():
            for code in codes:
                table[(str(instrument), str(code))] = Scope(scope)
    return table


def scope_of(instrument: str, code: str) -> Scope:
    return _table().get((instrument, code), Scope.PORTAL)
