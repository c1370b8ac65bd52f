"""OSI #014 / LOSI #234: a privacy statement reachable from the portal."""

from __future__ import annotations

from collections.abc import Iterable

from rules.detectors.common import concept_links, headings_text, snippet, unreached_section
from rules.detectors.concepts import dated, is_headline
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from


class PrivacyRule(RuleModule):
    id = "privacy-statement"
    version = "1.0"
    title = "Privacy statement"
    informs = {"OSI-2024": ("014",), "LOSI-2024": ("234",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        # The site's own statement is linked as a short name ("Privacy"), not as an article's headline.
        candidates = [
            c
            for c in concept_links(site, "privacy")
            if c.link.region != "article" and not is_headline(c.link.text, c.page.language) and not dated(c.link.text)
        ]
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
        # The statement is often a section of the legal notice or the terms of use.
        for legal in concept_links(site, "legal_notice"):
            target = legal.target
            if (
                target is not None
                and target.readable
                and legal.link.region != "article"
                and (term := site.lexicons.matches("privacy", target.text, target.language))
            ):
                return [
                    Observation(
                        PRESENT,
                        0.8,
                        (evidence_from(target, quote=snippet(target.text, term)),),
                        f"The page '{target.title}', linked as '{legal.link.text}', has a section on '{term}'.",
                    )
                ]
        if found := unreached_section(candidates, site.lexicons, "privacy"):
            return [found]
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
