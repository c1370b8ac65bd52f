"""Platform fingerprints in a page's markup (page level: light snapshots have no markup).

- E-participation platforms (Decidim, CONSUL, Citizen Space, EngagementHQ, …): OSI #302 e-participation
  portal, LOSI #272 online opinion tools.
- Open-data catalogue platforms (CKAN, DKAN, Socrata, OpenDataSoft, uData, DCAT): OSI #037 open-data portal.

Only "present" is said here; "absent" comes from the concept rows (rules/packs/concepts.yaml) that
read titles, headings and links for the same codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.detectors.common import signals
from rules.findings import PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, evidence_from

HEAD = 200_000  # fingerprints sit in the head, the footer credits or the scripts: bounded read


def fingerprint(html: str, table: dict[str, list[str]]) -> tuple[str, str] | None:
    """(platform, mark) of the first platform whose mark the markup carries."""
    sample = html[:HEAD] + html[-20_000:]
    for platform, marks in table.items():
        for mark in marks:
            if mark in sample:
                return platform, mark
    return None


class PlatformRule(RuleModule):
    id = "platform-fingerprints"
    version = "1.0"
    title = "E-participation and open-data platforms recognised in the markup"
    informs = {"OSI-2024": ("302", "037"), "LOSI-2024": ("272",)}

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        html = snap.dom or snap.html
        if not snap.ok or not snap.is_html or not html:
            return ()
        found = []
        if hit := fingerprint(html, signals("eparticipation_platforms")["fingerprints"]):
            platform, mark = hit
            found.append(
                Observation(
                    PRESENT,
                    0.9,
                    (evidence_from(snap, quote=f"{platform}: {mark}"),),
                    f"The page runs on the e-participation platform {platform} (EPI level: e-consultation).",
                    questions={"OSI-2024": ("302",), "LOSI-2024": ("272",)},
                )
            )
        platforms = {
            name: spec.get("fingerprints", []) for name, spec in signals("open_data_platforms")["platforms"].items()
        }
        if hit := fingerprint(html, platforms):
            platform, mark = hit
            found.append(
                Observation(
                    PRESENT,
                    0.85,
                    (evidence_from(snap, quote=f"{platform}: {mark}"),),
                    f"The page is served by the open-data platform {platform}.",
                    questions={"OSI-2024": ("037",)},
                )
            )
        return found
