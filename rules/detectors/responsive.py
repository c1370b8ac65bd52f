"""OSI #071 / LOSI #204: responsive design — a viewport meta tag and no horizontal overflow
when the page is rendered 375 px wide. Without a render (a crawl without the browser) the home page's
viewport meta alone answers, less surely: it is what makes a layout adapt, but overflow is unmeasured.

The Survey asks whether the portal is mobile friendly, which its assessors try on the portal's home
page: the home page decides, the other pages rendered confirm it. One inner page that scrolls sideways
(a page whose content a script fills, empty in a copy; a wide table) while the home page and most
pages fit is named in the note and lowers the confidence; it does not make the portal unfriendly."""

from __future__ import annotations

from collections.abc import Iterable

from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

WIDTH = 375
PAGES_CHECKED = 5
UNRENDERED = 0.75  # viewport meta set, overflow not measured
ONE_PAGE_OVERFLOWS = 0.8  # the home page and most pages fit; a minority of inner pages scroll sideways


class ResponsiveRule(RuleModule):
    id = "responsive"
    version = "1.0"
    title = "Responsive design"
    informs = {"OSI-2024": ("071",), "LOSI-2024": ("204",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = [p for p in site.ok_pages() if f"overflow_{WIDTH}" in p.measurements][:PAGES_CHECKED]
        if not pages:
            return self._unrendered(site)
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
        if overflowing and (overflowing[0] is home or 2 * len(overflowing) > len(pages)):
            worst = overflowing[0]
            px = worst.measurements[f"overflow_{WIDTH}"]
            among = ", the home page among them" if worst is home else ""
            return [
                Observation(
                    ABSENT,
                    0.75,
                    (evidence_from(worst, quote=f"{px:.0f} px overflow"),),
                    f"{len(overflowing)} of {len(pages)} pages scroll sideways at {WIDTH} px{among}.",
                )
            ]
        key = f"overflow_{WIDTH}"
        odd = "".join(f" {p.final_url} scrolls {p.measurements[key]:.0f} px sideways." for p in overflowing)
        return [
            Observation(
                PRESENT,
                ONE_PAGE_OVERFLOWS if overflowing else 0.9,
                (evidence_from(home, selector='meta[name="viewport"]', quote=viewport),),
                f"Viewport meta set; {len(pages) - len(overflowing)} of {len(pages)} pages, the home page among them, "
                f"fit {WIDTH} px.{odd}",
            )
        ]

    @staticmethod
    def _unrendered(site: SiteView) -> list[Observation]:
        """No page was rendered: the home page's viewport meta alone (HTML pages only)."""
        home = next((p for p in site.ok_pages() if p.is_html), None)
        if home is None:
            return []
        viewport = home.meta.get("viewport", "")
        if "width=device-width" in viewport.replace(" ", ""):
            return [
                Observation(
                    PRESENT,
                    UNRENDERED,
                    (evidence_from(home, selector='meta[name="viewport"]', quote=viewport),),
                    "The home page sets a viewport meta with width=device-width (not rendered: overflow not measured).",
                )
            ]
        return [
            Observation(
                ABSENT,
                UNRENDERED,
                (evidence_from(home, selector='meta[name="viewport"]'),),
                "The home page has no viewport meta tag with width=device-width (not rendered).",
            )
        ]
