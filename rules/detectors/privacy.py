"""OSI #014 / LOSI #234: a privacy statement reachable from the portal."""

from __future__ import annotations

from collections.abc import Iterable

from rules.detectors.common import concept_links, headings_text
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from


class PrivacyRule(RuleModule):
    id = "privacy-statement"
    version = "1.0"
    title = "Privacy statement"
    informs = {"OSI-2024": ("014",), "LOSI-2024": ("234",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        candidates = concept_links(site, "privacy")
        for candidate in candidates:
            target = candidate.target
            if (
                target is not None
                and target.readable
                and site.lexicons.matches("privacy", headings_text(target), target.language)
            ):
                return [
                    Observation(
                        PRESENT,
                        0.9,
                        (evidence_from(target, quote=target.title),),
                        f"The page '{target.title}' is linked as '{candidate.link.text}'.",
                    )
                ]
        if candidates:
            first = candidates[0]
            return [
                Observation(
                    PRESENT,
                    0.55,
                    (evidence_from(first.page, quote=first.link.text),),
                    "A privacy link exists but its page was not reached or does not say so.",
                )
            ]
        home = site.home
        if home is None:
            return []
        return [Observation(ABSENT, 0.8, (evidence_from(home),), "No link to a privacy statement found.")]
