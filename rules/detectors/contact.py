"""OSI #008 / LOSI #214: contact details — a contact page (or footer) with an e-mail address
or a phone number."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.snapshot import PageContent
from rules.detectors.common import concept_links
from rules.detectors.helpdesk import phone_numbers
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\b0)\d[\d ().-]{6,}\d")


def contact_details(page: PageContent) -> list[str]:
    details = [
        link.url.split(":", 1)[1] for link in page.links if link.url.lower().startswith(("mailto:", "tel:"))
    ]
    details += _EMAIL.findall(page.text)[:3] + _PHONE.findall(page.text)[:3]
    return list(dict.fromkeys(d.strip() for d in details if d.strip()))


def any_contact(page: PageContent) -> list[str]:
    """E-mail addresses and phone numbers in every national form (North American ones too: a state
    agency's footer gives "(936) 295-6371")."""
    return list(dict.fromkeys(contact_details(page) + phone_numbers(page)))


class ContactRule(RuleModule):
    id = "contact-details"
    version = "1.0"
    title = "Contact details"
    informs = {"OSI-2024": ("008",), "LOSI-2024": ("214",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        candidates = concept_links(site, "contact")
        for candidate in candidates:
            if candidate.target is not None and (details := any_contact(candidate.target)):
                return [
                    Observation(
                        PRESENT,
                        0.9,
                        (evidence_from(candidate.target, quote=", ".join(details[:3])),),
                        f"A '{candidate.link.text}' page lists contact details.",
                    )
                ]
        home = site.home
        if home is not None and (details := any_contact(home)):
            return [
                Observation(
                    PRESENT,
                    0.75,
                    (evidence_from(home, quote=", ".join(details[:3])),),
                    "The home page itself shows contact details.",
                )
            ]
        if candidates:
            first = candidates[0]
            return [
                Observation(
                    PRESENT,
                    0.5,
                    (evidence_from(first.page, quote=first.link.text),),
                    "A contact link exists but no e-mail or phone number was found behind it.",
                )
            ]
        if home is None:
            return []
        return [Observation(ABSENT, 0.8, (evidence_from(home),), "No contact page or contact details found.")]
