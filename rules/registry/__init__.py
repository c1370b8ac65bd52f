"""The registry of countries whose portals are assessed: rules/registry/member_states.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from crawler.yaml_data import load_yaml

PORTAL_FIELDS = ("national_portal", "open_data_portal", "e_participation_portal", "largest_city_portal")


@dataclass(frozen=True, slots=True)
class MemberState:
    iso3: str
    name: str
    region: str
    subregion: str
    languages: tuple[str, ...]
    portals: dict[str, str]  # field → URL ("" when not known)
    sources: dict[str, str]  # field → id of the public list that gave its URL (see `registry_sources()`)
    urls: str = "unverified"  # the file never says more: `govaudit sites verify` records checks in the database


@cache
def _raw() -> dict:
    return load_yaml(resources.files("rules.registry").joinpath("member_states.yaml").read_text(encoding="utf-8"))


def registry_sources() -> dict[str, dict[str, str]]:
    """Source id → {title, url, as_of}: the public lists the portal URLs were read in."""
    return {k: {f: str(v) for f, v in d.items()} for k, d in (_raw().get("sources") or {}).items()}


@cache
def load_member_states() -> tuple[MemberState, ...]:
    raw = _raw()
    return tuple(
        MemberState(
            iso3=str(row["iso3"]),
            name=str(row["name"]),
            region=str(row["region"]),
            subregion=str(row["subregion"]),
            languages=tuple(str(lang) for lang in row.get("languages") or ()),
            portals={f: str(row.get(f) or "") for f in PORTAL_FIELDS},
            sources={str(k): str(v) for k, v in (row.get("sources") or {}).items()},
            urls=str(row.get("urls", "unverified")),
        )
        for row in raw["member_states"]
    )


def member_state(iso3: str) -> MemberState | None:
    return next((s for s in load_member_states() if s.iso3 == iso3.upper()), None)
