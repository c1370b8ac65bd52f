"""The registry of countries whose portals are assessed: rules/registry/member_states.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

PORTAL_FIELDS = ("national_portal", "open_data_portal", "e_participation_portal", "largest_city_portal")


@dataclass(frozen=True, slots=True)
class MemberState:
    iso3: str
    name: str
    region: str
    subregion: str
    languages: tuple[str, ...]
    portals: dict[str, str]  # field → URL ("" when not known)
    urls: str = "unverified"  # "verified" only when every URL set was checked against a source


@cache
def load_member_states() -> tuple[MemberState, ...]:
    raw = yaml.safe_load(resources.files("rules.registry").joinpath("member_states.yaml").read_text(encoding="utf-8"))
    return tuple(
        MemberState(
            iso3=str(row["iso3"]),
            name=str(row["name"]),
            region=str(row["region"]),
            subregion=str(row["subregion"]),
            languages=tuple(str(lang) for lang in row.get("languages") or ()),
            portals={f: str(row.get(f) or "") for f in PORTAL_FIELDS},
            urls=str(row.get("urls", "unverified")),
        )
        for row in raw["member_states"]
    )


def member_state(iso3: str) -> MemberState | None:
    return next((s for s in load_member_states() if s.iso3 == iso3.upper()), None)
