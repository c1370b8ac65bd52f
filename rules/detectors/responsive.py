"""OSI #071 / LOSI #204: responsive design — a viewport meta tag and no horizontal overflow
when the page is rendered 375 px wide."""

from __future__ import annotations

from collections.abc import Iterable

from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

WIDTH = 375
PAGES_CHECKED = 5


class ResponsiveRule(RuleModule):
    id = "responsive"
    version = "1.0"
    title = "Responsive design"
    informs = {"OSI-2024": ("071",), "LOSI-2024": ("204",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = [p for p in site.ok_pages() if f"overflow_{WIDTH}" in p.measurements][:PAGES_CHECKED]
        if not pages:
            return []
        home = pages[0]
        viewport = home.meta.get("viewport", "")
        if "width=device-width" not in viewport.replace(" ", ""):
            return [
                Observation(
                    ABSENT,
                    0.9,
                    (evidence_from(home, selector='meta[name="viewport"]'),),
                    "The home page has no viewport meta tag with width=device-width.",
                )
            ]
        overflowing = [p for p in pages if p.measurements[f"overflow_{WIDTH}"] > 1]
        if overflowing:
            worst = overflowing[0]
            px = worst.measurements[f"overflow_{WIDTH}"]
            return [
                Observation(
                    ABSENT,
                    0.75,
                    (evidence_from(worst, quote=f"{px:.0f} px overflow"),),
                    f"{len(overflowing)} of {len(pages)} pages scroll sideways at {WIDTH} px.",
                )
            ]
        return [
            Observation(
                PRESENT,
                0.9,
                (evidence_from(home, selector='meta[name="viewport"]', quote=viewport),),
                f"Viewport meta set and none of {len(pages)} pages overflows at {WIDTH} px.",
            )
        ]
