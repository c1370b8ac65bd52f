"""LOSI #288: a help-desk phone number — on the contact page, else on the home page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.snapshot import PageContent
from rules.detectors.common import concept_links
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

# International (+…), national with a trunk 0 (030 …), or North American ((916) 558-1784, 800-555-0199).
_PHONE = re.compile(r"(?:\+|\b0)\d[\d ()./-]{6,}\d|(?<![\w-])\(?[2-9]\d{2}\)?[ .-]\d{3}[ .-]\d{4}\b")
# Dates the patterns above also read: 04-30 2021, 2021-04-30, 30.04.2021
_DATE = re.compile(r"^\d{1,2}[-/. ]\d{1,2}[-/. ]+(?:19|20)\d\d$|^(?:19|20)\d\d[-/. ]\d{1,2}[-/. ]\d{1,2}$")


def phone_numbers(page: PageContent) -> list[str]:
    numbers = [link.url.split(":", 1)[1] for link in page.links if link.url.lower().startswith("tel:")]
    found = numbers + [n for n in _PHONE.findall(page.text) if not _DATE.match(n.strip())]
    return list(dict.fromkeys(n.strip() for n in found if n.strip()))


class HelpdeskPhoneRule(RuleModule):
    id = "helpdesk-phone"
    version = "1.0"
    title = "Help-desk phone number"
    informs = {"LOSI-2024": ("288",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        home = site.home
        if home is None:
            return []
        for candidate in concept_links(site, "contact", limit=5):
            if candidate.target is not None and (numbers := phone_numbers(candidate.target)):
                return [self._found(candidate.target, numbers, 0.9, f"The '{candidate.link.text}' page")]
        if numbers := phone_numbers(home):
            return [self._found(home, numbers, 0.8, "The home page")]
        return [Observation(ABSENT, 0.75, (evidence_from(home),), "No phone number on the contact or home page.")]

    @staticmethod
    def _found(page: PageContent, numbers: list[str], confidence: float, where: str) -> Observation:
        quote = ", ".join(numbers[:3])
        return Observation(PRESENT, confidence, (evidence_from(page, quote=quote),), f"{where} gives {quote}.")
