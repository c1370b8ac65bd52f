"""LOSI #281: the official city site — on a government domain (rules/signals/official_domains.yaml)
and naming the city in the footer of its home page. On a local address (a test, a dev server) the
domain cannot be judged, and the footer decides alone."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.snapshot import PageContent
from rules.detectors.common import folded, host_of, matched_terms, signals
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons, fold
from rules.module import Observation, RuleModule, SiteView, evidence_from

FOOTER_CHARS = 600  # the end of the home page's text: where a footer is
_TITLE_SEPARATORS = re.compile(r"\s+[—–|·:-]\s+|\s*[|,]\s*")


def city_name(home: PageContent, lexicons: Lexicons) -> str | None:
    """The city's name as the home page's title gives it: "City of Port Aldren — Official website"
    → "Port Aldren"; without a prefix, the title's first part."""
    return _city_name(home, lexicons)[0]


def _city_name(home: PageContent, lexicons: Lexicons) -> tuple[str | None, bool]:
    """(name, whether the title calls it a city: "City of …", "Ayuntamiento de …")."""
    first = _TITLE_SEPARATORS.split(home.title.strip(), maxsplit=1)[0].strip()
    for prefix in matched_terms(lexicons, "city_prefix", first):
        at = folded(first).find(fold(prefix))
        name = first[at + len(prefix) :].strip()
        if name:
            return name, True
    return first or None, False


def government_domain(host: str) -> bool | None:
    """True/False for a public host; None where it cannot be judged (local addresses)."""
    data = signals("official_domains")
    if host in data["local_hosts"] or host.endswith(".localhost"):
        return None
    if any(host.endswith(suffix) for suffix in data["suffixes"]):
        return True
    return any(label in data["labels"] for label in host.split(".")[:-1])


class CitySiteRule(RuleModule):
    id = "official-city-site"
    version = "1.0"
    title = "Official city site"
    informs = {"LOSI-2024": ("281",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        home = site.home
        if home is None or not home.ok:
            return []
        name, as_city = _city_name(home, site.lexicons)
        footer = home.text[-FOOTER_CHARS:]
        named = fold(name) in folded(footer) if name else False
        host = host_of(home.final_url)
        official = government_domain(host)
        quote = f"{host}; footer: …{footer[-150:]}"
        evidence = (evidence_from(home, quote=quote),)
        if not named:
            return [Observation(ABSENT, 0.7, evidence, f"The home page's footer does not name '{name}'.")]
        if official is None:
            note = f"The footer names '{name}'; the domain {host} is a local address and was not judged."
            if not as_city:  # neither the domain nor the title says it is a city's: an assessor decides
                return [Observation(PRESENT, 0.5, evidence, f"{note} The title does not call it a city.")]
            return [Observation(PRESENT, 0.7, evidence, note)]
        if official:
            return [Observation(PRESENT, 0.9, evidence, f"A government domain ({host}) whose footer names '{name}'.")]
        note = f"The footer names '{name}', but {host} is not recognisably a government domain."
        return [Observation(PRESENT, 0.5, evidence, note)]
